import type { CSSProperties } from "react";

/**
 * Inline styles only: many mail clients strip <style> blocks and block remote fonts and images,
 * so the look is built from system fonts and a few calm colours.
 */
const fontFamily =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

export const colors = {
  page: "#f3f6f5",
  card: "#ffffff",
  ink: "#2c3a39",
  muted: "#5f6f6d",
  accent: "#2f6f6a",
  rule: "#dde6e4",
  careBg: "#f6f1e7",
  emergencyBg: "#fdeeec",
  emergencyBorder: "#b3261e",
} as const;

/**
 * The dark palette, for clients that honour `prefers-color-scheme` in a <style> block (Apple
 * Mail, iOS Mail, Outlook.com, Thunderbird). The rules need `!important` to beat the inline
 * light colours. Clients that ignore the block keep the light palette, which is readable as is.
 */
export const darkColors = {
  page: "#101a19",
  card: "#1a2625",
  ink: "#e4eceb",
  muted: "#b3c2c0",
  accent: "#8ad0c6",
  rule: "#34443f",
  careBg: "#2d2a22",
  emergencyBg: "#3a201d",
  emergencyBorder: "#f2a39b",
  buttonInk: "#0f1d1c",
} as const;

/** Class names the dark rules hang on: inline styles cannot carry a media query. */
export const cls = {
  page: "fur-page",
  card: "fur-card",
  muted: "fur-muted",
  small: "fur-small",
  brand: "fur-brand",
  care: "fur-care",
  emergency: "fur-emergency",
  button: "fur-button",
} as const;

export const darkModeCss = `@media (prefers-color-scheme: dark) {
.${cls.page}, .${cls.page} > table > tbody > tr > td { background-color: ${darkColors.page} !important; }
.${cls.card} { background-color: ${darkColors.card} !important; }
.${cls.card} p, .${cls.card} li, .${cls.card} h1, .${cls.card} h2, .${cls.card} strong { color: ${darkColors.ink} !important; }
.${cls.card} .${cls.muted}, .${cls.card} .${cls.small} { color: ${darkColors.muted} !important; }
.${cls.card} a, .${cls.card} .${cls.brand} { color: ${darkColors.accent} !important; }
.${cls.card} hr { border-color: ${darkColors.rule} !important; }
.${cls.card} .${cls.care} { background-color: ${darkColors.careBg} !important; }
.${cls.card} .${cls.emergency} { background-color: ${darkColors.emergencyBg} !important; border-color: ${darkColors.emergencyBorder} !important; }
.${cls.card} a.${cls.button} { background-color: ${darkColors.accent} !important; color: ${darkColors.buttonInk} !important; }
}`;

export const body: CSSProperties = {
  backgroundColor: colors.page,
  fontFamily,
  margin: 0,
  padding: "24px 0",
  // Belt and braces for any long unbroken word (a pasted URL in an address, a long name):
  // it breaks instead of widening the whole message past a phone's screen.
  wordBreak: "break-word",
  overflowWrap: "anywhere",
};

export const container: CSSProperties = {
  backgroundColor: colors.card,
  borderRadius: "8px",
  maxWidth: "560px",
  margin: "0 auto",
  padding: "28px 24px 20px",
};

export const brand: CSSProperties = {
  color: colors.accent,
  fontSize: "13px",
  fontWeight: 600,
  letterSpacing: "0.06em",
  textTransform: "uppercase",
  margin: "0 0 8px",
};

export const heading: CSSProperties = {
  color: colors.ink,
  fontSize: "24px",
  lineHeight: "1.3",
  fontWeight: 600,
  margin: "0 0 20px",
};

export const subheading: CSSProperties = {
  color: colors.ink,
  fontSize: "17px",
  lineHeight: "1.4",
  fontWeight: 600,
  margin: "24px 0 8px",
};

export const paragraph: CSSProperties = {
  color: colors.ink,
  fontSize: "16px",
  lineHeight: "1.6",
  margin: "0 0 16px",
};

export const lede: CSSProperties = {
  ...paragraph,
  fontSize: "17px",
  color: colors.muted,
};

export const list: CSSProperties = {
  color: colors.ink,
  fontSize: "16px",
  lineHeight: "1.6",
  margin: "0 0 16px",
  paddingLeft: "22px",
};

export const listItem: CSSProperties = {
  margin: "0 0 6px",
};

export const link: CSSProperties = {
  color: colors.accent,
  textDecoration: "underline",
};

export const button: CSSProperties = {
  backgroundColor: colors.accent,
  borderRadius: "6px",
  color: "#ffffff",
  fontSize: "16px",
  fontWeight: 600,
  textDecoration: "none",
  textAlign: "center",
  display: "inline-block",
  // 14 px above and below a 16 px label: a tap target of about 46 px (Apple asks 44).
  padding: "14px 24px",
};

export const small: CSSProperties = {
  color: colors.muted,
  fontSize: "13px",
  lineHeight: "1.5",
  margin: "0 0 8px",
};

export const careBox: CSSProperties = {
  backgroundColor: colors.careBg,
  borderRadius: "6px",
  padding: "12px 16px",
  margin: "8px 0 16px",
};

export const hr: CSSProperties = {
  borderColor: colors.rule,
  margin: "24px 0 16px",
};

/**
 * The emergency signs' box (issue 27, item 1): it must not look like the same-day box beside it.
 * A reddish ground and a thick red rule on the left, where the same-day box is warm beige with
 * none; the text keeps the ink colour, so contrast is the body text's in both schemes.
 */
export const emergencyBox: CSSProperties = {
  backgroundColor: colors.emergencyBg,
  borderLeft: `6px solid ${colors.emergencyBorder}`,
  borderRadius: "6px",
  padding: "12px 16px",
  margin: "8px 0 16px",
};
