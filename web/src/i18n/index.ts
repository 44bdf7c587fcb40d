// Message catalogues: every text the console shows is in zh.ts and en.ts (the same keys; the
// compiler checks that en has each of zh's). Simplified Chinese is the default.
import { zh } from "./zh";
import { en } from "./en";

export type Lang = "zh" | "en";
export type Key = keyof typeof zh;
const catalogues: Record<Lang, Record<Key, string>> = { zh, en };

const KEY = "gongjian.lang";
let lang: Lang = localStorage.getItem(KEY) === "en" ? "en" : "zh";
const listeners = new Set<() => void>();

export const currentLang = () => lang;

export function setLang(l: Lang) {
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l === "en" ? "en" : "zh-CN";
  listeners.forEach((f) => f());
}

export function onLang(f: () => void) {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** t looks a message up and fills its {placeholders}. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = catalogues[lang][key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split("{" + k + "}").join(String(v));
  return s;
}

document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
