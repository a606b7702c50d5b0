// The extension manifest points at files that exist (after the build) and declares the language,
// grammar and configuration the README promises.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('VS Code extension manifest', () => {
  it('contributes the mql language for .mql files with its configuration and grammar', () => {
    expect(manifest.contributes.languages).toEqual([
      { id: 'mql', aliases: ['MQL', 'mql'], extensions: ['.mql'], configuration: './language-configuration.json' },
    ]);
    expect(manifest.contributes.grammars).toEqual([{ language: 'mql', scopeName: 'source.mql', path: './syntaxes/mql.tmLanguage.json' }]);
    expect(manifest.activationEvents).toContain('onLanguage:mql');
  });

  it('refers to files the build produced', () => {
    for (const file of [manifest.main, './dist/server.js', manifest.contributes.languages[0].configuration, manifest.contributes.grammars[0].path]) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
    const shipped = readFileSync(path.join(root, 'syntaxes', 'mql.tmLanguage.json'), 'utf8');
    expect(shipped).toBe(readFileSync(path.join(root, '..', '..', 'grammar', 'mql.tmLanguage.json'), 'utf8'));
  });

  it('configures comments, brackets, auto-closing and indentation', () => {
    const config = JSON.parse(readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
    expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
    expect(config.brackets).toEqual([['{', '}'], ['[', ']'], ['(', ')']]);
    expect(config.autoClosingPairs.map((p: { open: string }) => p.open)).toEqual(['{', '[', '(', '"', '/*']);
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(['score fit {', 'lead {', '  company: {'].every((line) => increase.test(line))).toBe(true);
    expect(['score fit { +5 when x }', '"a {": +5 when x'].some((line) => increase.test(line))).toBe(false);
    expect(decrease.test('  }')).toBe(true);
  });

  it('packages with vsce on Node 20 (`npm run package`)', () => {
    expect(manifest.scripts.package).toContain('vsce package');
    expect(manifest.devDependencies['@vscode/vsce']).toMatch(/^~3\./);
    expect(manifest.engines.vscode).toBe('^1.91.0');
  });
});
