// The server's file-system access: reading files that are not open, listing folders for import
// completion, and finding the .mql files of the workspace folders.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FOLDERS_NOT_SEARCHED } from '@mql/core';
import type { FileSystem } from './workspace.js';

/** A workspace is searched this deep at most, so opening a home folder stays quick. */
const MAX_DEPTH = 12;

export const nodeFileSystem: FileSystem = {
  readFile(file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },

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
