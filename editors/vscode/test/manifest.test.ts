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
    const opening = ['score fit {', 'lead {', '  company: {', 'stage MQL "Marketing qualified lead" {', 'stage SAL "Sales accepted" after MQL {', 'test "A {weird} title" {', '  lead {  // the lead'];
    expect(opening.filter((line) => !increase.test(line))).toEqual([]);
    const closed = ['score fit { +5 when x }', '"a {": +5 when x', '// a comment {', '  company: { industry: "software" },'];
    expect(closed.filter((line) => increase.test(line))).toEqual([]);
    expect(decrease.test('  }')).toBe(true);
  });

  it('declares its commands, settings, the formatOnSave default, an icon and a licence', () => {
    expect(manifest.contributes.commands.map((c: { command: string }) => c.command)).toEqual(['mql.checkWorkspace', 'mql.runTests', 'mql.explainLead', 'mql.restartServer', 'mql.showOutput']);
    expect(Object.keys(manifest.contributes.configuration.properties)).toEqual(['mql.tests.runOnSave', 'mql.sample.file', 'mql.trace.server']);
    expect(manifest.contributes.configurationDefaults['[mql]']['editor.formatOnSave']).toBe(true);
    expect(manifest.license).toBe('MIT');
    expect(existsSync(path.join(root, 'LICENSE'))).toBe(true);
    const icon = readFileSync(path.join(root, manifest.icon));
    expect([...icon.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(icon.readUInt32BE(16)).toBe(128); // width, as the Marketplace asks
    // Every command the server's code lenses name is one the extension registers.
    const source = readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
    for (const command of ['mql.runTest', 'mql.explainTest', 'mql.explainLead', ...manifest.contributes.commands.map((c: { command: string }) => c.command)]) {
      expect(source).toContain(`registerCommand('${command}'`);
    }
  });

  it('packages with vsce on Node 20 (`npm run package`), with a licence', () => {
    expect(manifest.scripts.package).toContain('vsce package');
    expect(manifest.scripts.package).not.toContain('--skip-license');
    expect(manifest.devDependencies['@vscode/vsce']).toMatch(/^~3\./);
    expect(manifest.engines.vscode).toBe('^1.91.0');
  });
});
