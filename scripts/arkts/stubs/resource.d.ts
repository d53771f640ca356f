// api/global/resource.d.ts (API 12): a resource reference ($r), one of the forms of Length.
export interface Resource {
  bundleName: string;
  moduleName: string;
  id: number;
  type?: number;
}
