// ArkUI globals used by the repository's .ets pages, trimmed from the API 12 SDK's component/*.d.ts
// (common.d.ts, units.d.ts, enums.d.ts, column/row/text/text_input/button/progress/web.d.ts). Each
// declaration keeps the SDK's names and parameter types; members nobody uses are left out, and
// Progress loses its generic style map. Only for `npm run lint:arkts`, which cannot read the SDK:
// the ArkTS SDK check (docs/deveco.md) checks the same files against the real declarations.

// --- units.d.ts, global/resource.d.ts
declare type Resource = import('./resource').Resource;
declare type Length = string | number | Resource;
declare type ResourceStr = string | Resource;
declare type Padding = {
  top?: Length;
  right?: Length;
  bottom?: Length;
  left?: Length;
};

// --- common.d.ts
declare const Entry: ClassDecorator;
declare const Component: ClassDecorator;
declare const State: PropertyDecorator;

declare type Context = import('@ohos.app.ability.common').default.Context;
declare type UIContext = import('@ohos.arkui.UIContext').UIContext;

declare interface Callback<T, V = void> {
  (data: T): V;
}

declare function getContext(component?: Object): Context;

declare interface ClickEvent {
  x: number;
  y: number;
}

declare class CommonMethod<T> {
  constructor();
  width(value: Length): T;
  height(value: Length): T;
  padding(value: Padding | Length): T;
  onClick(event: (event: ClickEvent) => void): T;
  enabled(value: boolean): T;
}

declare class CommonAttribute extends CommonMethod<CommonAttribute> {}

/** What a `struct` is checked as: the ArkUI compiler's customComponent (ets-compiler-options.json). */
declare class CustomComponent extends CommonAttribute {
  build(): void;
  aboutToAppear?(): void;
  aboutToDisappear?(): void;
  getUIContext(): UIContext;
}

// --- enums.d.ts
declare enum FontWeight {
  Lighter,
  Normal,
  Regular,
  Medium,
  Bold,
  Bolder,
}

// --- column.d.ts, row.d.ts
interface ColumnInterface {
  (value?: { space?: string | number }): ColumnAttribute;
}
declare class ColumnAttribute extends CommonMethod<ColumnAttribute> {}
declare const Column: ColumnInterface;
declare const ColumnInstance: ColumnAttribute;

interface RowInterface {
  (value?: { space?: string | number }): RowAttribute;
}
declare class RowAttribute extends CommonMethod<RowAttribute> {}
declare const Row: RowInterface;
declare const RowInstance: RowAttribute;

// --- text.d.ts
interface TextInterface {
  (content?: string | Resource): TextAttribute;
}
declare class TextAttribute extends CommonMethod<TextAttribute> {
  fontSize(value: number | string | Resource): TextAttribute;
  fontWeight(value: number | FontWeight | string): TextAttribute;
}
declare const Text: TextInterface;
declare const TextInstance: TextAttribute;

// --- text_input.d.ts, text_common.d.ts
declare interface TextInputOptions {
  placeholder?: ResourceStr;
  text?: ResourceStr;
}
declare type EditableTextOnChangeCallback = (value: string) => void;
interface TextInputInterface {
  (value?: TextInputOptions): TextInputAttribute;
}
declare class TextInputAttribute extends CommonMethod<TextInputAttribute> {
  onChange(callback: EditableTextOnChangeCallback): TextInputAttribute;
}
declare const TextInput: TextInputInterface;
declare const TextInputInstance: TextInputAttribute;

// --- button.d.ts
interface ButtonInterface {
  (): ButtonAttribute;
  (label: ResourceStr): ButtonAttribute;
}
declare class ButtonAttribute extends CommonMethod<ButtonAttribute> {}
declare const Button: ButtonInterface;
declare const ButtonInstance: ButtonAttribute;

// --- progress.d.ts (the SDK's ProgressOptions<Type> and ProgressAttribute<Type, Style> are generic
// over a style map; a page that does not style the bar needs neither)
declare enum ProgressType {
  Linear = 0,
  Ring = 1,
  Eclipse = 2,
  ScaleRing = 3,
  Capsule = 4,
}
declare interface ProgressOptions {
  value: number;
  total?: number;
  type?: ProgressType;
}
interface ProgressInterface {
  (options: ProgressOptions): ProgressAttribute;
}
declare class ProgressAttribute extends CommonMethod<ProgressAttribute> {
  value(value: number): ProgressAttribute;
}
declare const Progress: ProgressInterface;
declare const ProgressInstance: ProgressAttribute;

// --- web.d.ts
declare type WebviewController = import('@ohos.web.webview').default.WebviewController;
declare interface WebOptions {
  src: string | Resource;
  controller: WebviewController;
}
declare interface OnPageBeginEvent {
  url: string;
}
interface WebInterface {
  (value: WebOptions): WebAttribute;
}
declare class WebAttribute extends CommonMethod<WebAttribute> {
  javaScriptAccess(javaScriptAccess: boolean): WebAttribute;
  onPageBegin(callback: Callback<OnPageBeginEvent>): WebAttribute;
  onControllerAttached(callback: () => void): WebAttribute;
}
declare const Web: WebInterface;
declare const WebInstance: WebAttribute;
