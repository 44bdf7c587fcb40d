// Times are shown in Asia/Shanghai whatever the browser's zone; recurrence rules in words.
import { currentLang, t, type Key } from "./i18n";

export const ZONE = "Asia/Shanghai";
// Asia/Shanghai has kept UTC+08:00 without daylight saving since 1991.
const OFFSET = "+08:00";

const partsFmt = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  weekday: "short",
  hourCycle: "h23",
});

type Parts = { y: string; m: string; d: string; hh: string; mm: string; wd: number };
const WD = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function parts(iso: string | Date): Parts {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  const p: Record<string, string> = {};
  for (const x of partsFmt.formatToParts(d)) p[x.type] = x.value;
  return { y: p.year, m: p.month, d: p.day, hh: p.hour, mm: p.minute, wd: WD.indexOf(p.weekday) };
}

/** dateTime is "2025-06-01 19:00" in Shanghai. */
export function dateTime(iso?: string | null): string {
  if (!iso) return "—";
  const p = parts(iso);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

export function date(iso?: string | null): string {
  if (!iso) return "—";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const p = parts(iso);
  return `${p.y}-${p.m}-${p.d}`;
}

const hm = (iso: string) => {
  const p = parts(iso);
  return `${p.hh}:${p.mm}`;
};

/** localInput turns an ISO time into a datetime-local value in Shanghai. */
export function localInput(iso: string | Date): string {
  const p = parts(iso);
  return `${p.y}-${p.m}-${p.d}T${p.hh}:${p.mm}`;
}

/** fromLocalInput reads a datetime-local value as Shanghai time ("" stays ""). */
export function fromLocalInput(v: string): string {
  if (!v) return "";
  return (v.length === 16 ? v + ":00" : v) + OFFSET;
}

/** dayStart is 00:00 Shanghai of a YYYY-MM-DD date, as RFC 3339. */
export function dayStart(d: string): string {
  return d ? `${d}T00:00:00${OFFSET}` : "";
}

export function today(offsetDays = 0): string {
  const p = parts(new Date(Date.now() + offsetDays * 86_400_000));
  return `${p.y}-${p.m}-${p.d}`;
}

export const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Day = (typeof DAYS)[number];
const dayKeys: Key[] = ["day.mo", "day.tu", "day.we", "day.th", "day.fr", "day.sa", "day.su"];
const shortKeys: Key[] = ["dayShort.mo", "dayShort.tu", "dayShort.we", "dayShort.th", "dayShort.fr", "dayShort.sa", "dayShort.su"];

export const dayName = (d: Day) => t(dayKeys[DAYS.indexOf(d)]);

/** parseRule splits an RRULE into its parts (upper-case names). */
export function parseRule(rule?: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (rule ?? "").replace(/^RRULE:/i, "").split(";")) {
    const [k, v] = part.split("=");
    if (k && v) out[k.toUpperCase()] = v.toUpperCase();
  }
  return out;
}

/** weekdays names the days: runs of three or more as a range ("一至五"), others one by one. */
function weekdays(days: Day[]): string {
  const idx = [...new Set(days.map((d) => DAYS.indexOf(d)).filter((i) => i >= 0))].sort((a, b) => a - b);
  const groups: string[] = [];
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    if (j - i >= 2) groups.push(t("rule.range", { from: t(shortKeys[idx[i]]), to: t(shortKeys[idx[j]]) }));
    else for (let k = i; k <= j; k++) groups.push(t(shortKeys[idx[k]]));
    i = j + 1;
  }
  return groups.join(t("rule.sep"));
}

const jsDayToRule: Day[] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** ruleInWords: "每周一至周五 19:00–07:00", "每天 19:00–07:00", or the single window's dates. */
export function windowInWords(w?: { start?: string; end?: string; rrule?: string | null } | null, withEnd = false): string {
  if (!w?.start || !w.end) return "—";
  const r = parseRule(w.rrule);
  const times = `${hm(w.start)}–${hm(w.end)}`;
  const interval = Number(r.INTERVAL || "1");
  let head: string;
  switch (r.FREQ) {
    case "DAILY":
      head = interval > 1 ? t("rule.everyNDays", { n: interval }) : t("rule.daily");
      break;
    case "WEEKLY": {
      const days = (r.BYDAY ? r.BYDAY.split(",") : [jsDayToRule[parts(w.start).wd]]) as Day[];
      head = t(interval > 1 ? "rule.everyNWeeks" : "rule.weekly", { n: interval, days: weekdays(days) });
      break;
    }
    case "MONTHLY":
      head = t("rule.monthly", { day: Number(r.BYMONTHDAY || parts(w.start).d) });
      break;
    case undefined: {
      const s = dateTime(w.start);
      const e = date(w.end) === date(w.start) ? hm(w.end) : dateTime(w.end);
      return `${s}–${e}`;
    }
    default:
      return `${r.FREQ} ${times}`;
  }
  let tail = "";
  if (withEnd && r.UNTIL) {
    const u = r.UNTIL.replace(/^(\d{4})(\d{2})(\d{2}).*$/, "$1-$2-$3");
    tail = t("rule.until", { date: u });
  } else if (withEnd && r.COUNT) {
    tail = t("rule.count", { n: r.COUNT });
  }
  return `${head} ${times}${tail}`;
}

/** timeLeft is "2小时5分" until iso, or "" once it has passed. */
export function timeLeft(iso: string | null | undefined, now: number): string {
  if (!iso) return "";
  const ms = new Date(iso).getTime() - now;
  if (ms <= 0) return "";
  const min = Math.floor(ms / 60_000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d > 0) return t("left.dh", { d, h });
  if (h > 0) return t("left.hm", { h, m });
  return t("left.m", { m: Math.max(m, 1) });
}

export function number(n?: number | null, digits = 0): string {
  if (n === undefined || n === null || Number.isNaN(n)) return "—";
  return n.toLocaleString(currentLang() === "en" ? "en" : "zh-CN", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function percent(n?: number | null): string {
  if (n === undefined || n === null) return "—";
  return `${Math.round(n * 100)}%`;
}
