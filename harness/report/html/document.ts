/**
 * The frame every page of the report shares (a night's index.html, its pages of failing trials, the rig's nights
 * index): one self-contained HTML file, inline CSS, no script, and a Content-Security-Policy that forbids every
 * network request. Links between the pages are relative file links.
 */
import { esc } from '../escape.js';
import { STYLE } from './style.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; script-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'";

/** Marks around a night page's links to the nights before and after it, rewritten when a later night is written. */
export const NIGHTS_NAV_START = '<!-- nights-nav -->';
export const NIGHTS_NAV_END = '<!-- /nights-nav -->';

/** The start of every shakedown page up to <main>: the policy that forbids every request, the one stylesheet. */
export function pageHead(title: string, extraStyle = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="shakedown">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}${extraStyle}</style></head><body><main>`,
  ].join('\n');
}

export function htmlDocument(title: string, body: string[]): string {
  return [pageHead(title), ...body, '</main></body></html>', ''].join('\n');
}
