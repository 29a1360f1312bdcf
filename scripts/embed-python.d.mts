// Types of scripts/embed-python.mjs for the test that imports it.
export declare function embeddedModule(python: string): string;
