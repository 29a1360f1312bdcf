import { text } from './options.js';

/**
 * The options naming the dbt project and how to start dbt, which plan (for `dbt parse`) and run
 * both take: one default each; each entry says what it uses them for.
 */
export const projectDirOption = (description: string) => text({ name: 'project-dir', value: 'DIR', description }, '.');
export const profilesDirOption = (description: string) => text({ name: 'profiles-dir', value: 'DIR', description });
export const targetOption = (description: string) => text({ name: 'target', value: 'NAME', description });
export const DBT_COMMAND_OPTION = text({ name: 'dbt-command', value: 'CMD', description: 'dbt executable' }, 'dbt');
