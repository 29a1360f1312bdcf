// Types of scripts/lint-workflows.mjs for the tests that import it.
export declare const ROOT: string;
export declare const ZIZMOR: string;
export declare const ZIZMOR_CONFIG: string;
export declare function workflowFiles(): string[];
export declare function actionFiles(): string[];
export declare function actionlint(files: string[]): Promise<string[]>;
export interface ZizmorFinding {
  ident: string;
  file: string;
  line: number;
  text: string;
}
export declare function zizmor(files: string[], opts?: { config?: string | null; cwd?: string }): ZizmorFinding[];
