// The server's file-system access: reading files that are not open, listing folders for import
// completion, and finding the .mql files of the workspace folders.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FOLDERS_NOT_SEARCHED } from '@mql/core';
import { checkImport, readTextFile } from '@mql/node-host';
import type { FileSystem } from './workspace.js';

/** A workspace is searched this deep at most, so opening a home folder stays quick. */
const MAX_DEPTH = 12;

export const nodeFileSystem: FileSystem = {
  // Regular files up to 10 MB, imports inside the project root: the same rules as `mql check`.
  readFile: (file) => readTextFile(file),
  checkImport,

  listDirectory(folder) {
    try {
      return readdirSync(folder, { withFileTypes: true }).map((entry) => ({ name: entry.name, directory: entry.isDirectory() }));
    } catch {
      return undefined;
    }
  },

  findMqlFiles(root) {
    const found: string[] = [];
    const walk = (folder: string, depth: number) => {
      if (depth > MAX_DEPTH) return;
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory() && !FOLDERS_NOT_SEARCHED.has(entry.name) && !entry.name.startsWith('.')) walk(full, depth + 1);
        else if (entry.isFile() && entry.name.endsWith('.mql')) found.push(full.split(path.sep).join('/'));
      }
    };
    walk(root, 0);
    return found.sort();
  },
};
