// @mql/data: lead data files read one way for every command and the editor. Node-only (file
// streams); no terminal output, no editor types. See README.md.
export * from './lines.js';
export * from './csv-read.js';
export * from './leads.js';
export * from './columns.js';
