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
} as const;

export const body: CSSProperties = {
  backgroundColor: colors.page,
  fontFamily,
  margin: 0,
  padding: "24px 0",
};

export const container: CSSProperties = {
  backgroundColor: colors.card,
  borderRadius: "8px",
  maxWidth: "560px",
  margin: "0 auto",
  padding: "28px 28px 20px",
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
  padding: "12px 22px",
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
