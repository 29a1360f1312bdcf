// Types of scripts/embed-python.mjs for the test that imports it.
export declare function embeddedPythonFiles(): Array<{ source: string; target: string; constant: string }>;
export declare function embeddedModule(source: string, constant: string, python: string): string;
