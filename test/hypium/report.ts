/**
 * Reads hypium's report: the `OHOS_REPORT_*` blocks it prints through the ability delegator (the lines
 * `aa test` shows on a device), one block per case start and end, one summary at the end.
 */

export interface CaseResult {
  suite: string;
  name: string;
  /** hypium's status code: 0 passed, -1 error (something threw), -2 failure (an assertion). */
  code: number;
  /** The error or assertion message, for codes -1 and -2. */
  message: string;
  ms: number;
}

export interface Summary {
  run: number;
  failure: number;
  error: number;
  pass: number;
  ignore: number;
}

export class HypiumReport {
  readonly cases: CaseResult[] = [];
  summary: Summary | undefined;

  /** One printSync() message of hypium's OhReport. */
  add(message: string): void {
    const field = (name: string): string | undefined =>
      new RegExp(`^OHOS_REPORT_STATUS: ${name}=(.*)$`, 'm').exec(message)?.[1];
    const code = /^OHOS_REPORT_STATUS_CODE: (-?\d+)$/m.exec(message);
    // A case's end block: its status code, and how long it took (the start block has code 1, no duration).
    const consuming = field('consuming');
    if (code && consuming !== undefined) {
      this.cases.push({
        suite: field('class') ?? '?',
        name: field('test') ?? '?',
        code: Number(code[1]),
        message: /^OHOS_REPORT_STATUS: stack=([\s\S]*?)\nOHOS_REPORT_STATUS: stream=/m.exec(message)?.[1] ?? '',
        ms: Number(consuming),
      });
    }
    const result =
      /OHOS_REPORT_RESULT: stream=Tests run: (\d+), Failure: (\d+), Error: (\d+), Pass: (\d+), Ignore: (\d+)/.exec(
        message,
      );
    if (result) {
      const [run, failure, error, pass, ignore] = result.slice(1).map(Number);
      this.summary = { run, failure, error, pass, ignore };
    }
  }
}
