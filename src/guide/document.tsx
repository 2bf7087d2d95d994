import { Document, Font, Link, Page, StyleSheet, Text, View } from "@react-pdf/renderer";
import { READING_TITLES } from "../../emails/components/next-steps.js";
import type { RelatedReading } from "../../emails/props.js";
import type { GuideBlock, GuideContent, GuideSection } from "./content.js";

/**
 * The Flare-Up Reset Guide's layout (react-pdf), in Helvetica, one of the PDF's 14 standard fonts:
 * nothing fetched or embedded, every viewer has it. The words live in content.ts.
 */
/** Settings the guide shows on its last page, each left out when unset. */
export interface GuideLinks {
  /** BOOKING_URL */
  bookingUrl?: string | undefined;
  /** RELATED_READING_* */
  reading?: RelatedReading | undefined;
}

/** The calm palette of the emails (emails/components/styles.ts), plus a warm tone for warnings. */
const color = {
  ink: "#2c3a39",
  muted: "#55645f",
  accent: "#2f6f6a",
  accentSoft: "#e6f0ee",
  rule: "#d5e1de",
  care: "#8a2f17",
  careBorder: "#b5472a",
  careBg: "#fbefe8",
  paper: "#ffffff",
} as const;

// react-pdf hyphenates ("move-ment"); people in pain read better without. Global: this is its only user.
Font.registerHyphenationCallback((word) => [word]);

/**
 * Every text style names its font size: react-pdf resolves a unitless line height against the style's
 * own size (18 pt if unset), not an inherited one; set on the page, react-pdf 4.9 drops the footer.
 */
const text = { fontSize: 11, lineHeight: 1.5 } as const;

const s = StyleSheet.create({
  page: {
    paddingTop: 48,
    paddingBottom: 64,
    paddingHorizontal: 56,
    fontFamily: "Helvetica",
    fontSize: 11,
    color: color.ink,
  },
  cover: { paddingTop: 0, paddingHorizontal: 0 },
  band: { backgroundColor: color.accent, paddingTop: 36, paddingBottom: 22, paddingHorizontal: 56, marginBottom: 14 },
  brand: { color: "#d9ebe7", fontSize: 10, letterSpacing: 1.5, fontFamily: "Helvetica-Bold", marginBottom: 14 },
  title: { color: color.paper, fontSize: 32, fontFamily: "Helvetica-Bold", lineHeight: 1.15, marginBottom: 12 },
  subtitle: { color: "#eef6f4", fontSize: 14, lineHeight: 1.45 },
  coverBody: { paddingHorizontal: 56 },
  intro: { ...text, fontSize: 11.5, marginBottom: 8 },
  tocTitle: { fontFamily: "Helvetica-Bold", fontSize: 13, color: color.accent, marginTop: 8, marginBottom: 6 },
  toc: { flexDirection: "row" },
  tocColumn: { width: "50%", paddingRight: 12 },
  tocRow: { flexDirection: "row", marginBottom: 3 },
  tocNumber: { ...text, width: 18, fontFamily: "Helvetica-Bold", color: color.accent },
  tocText: { ...text, flex: 1 },
  sectionHead: { flexDirection: "row", alignItems: "center", marginBottom: 4, marginTop: 6 },
  sectionNumber: {
    width: 26,
    height: 26,
    borderRadius: 13,
    backgroundColor: color.accent,
    color: color.paper,
    fontFamily: "Helvetica-Bold",
    fontSize: 12,
    textAlign: "center",
    paddingTop: 6,
    marginRight: 10,
  },
  sectionTitle: { flex: 1, fontFamily: "Helvetica-Bold", fontSize: 17, lineHeight: 1.25, color: color.ink },
  lead: { ...text, fontFamily: "Helvetica-Oblique", color: color.muted, marginBottom: 10, marginLeft: 36 },
  section: { marginBottom: 18 },
  paragraph: { ...text, marginBottom: 8 },
  listIntro: { ...text, marginBottom: 4 },
  list: { marginBottom: 8, marginLeft: 6 },
  listRow: { flexDirection: "row", marginBottom: 2 },
  bullet: { ...text, width: 14, color: color.accent, fontFamily: "Helvetica-Bold" },
  listText: { ...text, flex: 1 },
  insight: {
    backgroundColor: color.accentSoft,
    borderLeftWidth: 4,
    borderLeftColor: color.accent,
    padding: 12,
    marginVertical: 8,
  },
  insightTitle: { fontFamily: "Helvetica-Bold", color: color.accent, marginBottom: 4 },
  card: { borderWidth: 1, borderColor: color.rule, borderRadius: 6, padding: 12, marginVertical: 6 },
  cardTitle: { fontFamily: "Helvetica-Bold", fontSize: 13, color: color.accent },
  cardSummary: { ...text, fontFamily: "Helvetica-Oblique", color: color.muted, marginBottom: 6 },
  stepRow: { flexDirection: "row", marginBottom: 3 },
  stepNumber: { ...text, width: 18, fontFamily: "Helvetica-Bold", color: color.accent },
  note: { ...text, fontSize: 10, color: color.muted, marginTop: 4 },
  question: { ...text, fontFamily: "Helvetica-Bold", marginBottom: 2, color: color.ink },
  answer: { ...text, marginBottom: 10 },
  care: {
    backgroundColor: color.careBg,
    borderWidth: 2,
    borderColor: color.careBorder,
    borderRadius: 6,
    padding: 16,
    marginVertical: 10,
  },
  careTitle: { fontFamily: "Helvetica-Bold", fontSize: 16, color: color.care, marginBottom: 6 },
  careItem: { ...text, fontFamily: "Helvetica-Bold", color: color.ink },
  careBullet: { ...text, width: 16, color: color.careBorder, fontFamily: "Helvetica-Bold" },
  careAction: { ...text, marginTop: 8, color: color.ink },
  careCompact: { marginTop: 6, marginBottom: 0, marginHorizontal: 56, padding: 8 },
  careGroups: { flexDirection: "row" },
  careGroup: { flex: 1, marginRight: 10 },
  // The emergency group on a white panel behind a thick red rule; the same-day group stays on
  // the box's warm ground: two urgencies, two looks (issue 27, item 1).
  careEmergency: { backgroundColor: color.paper, borderLeftWidth: 5, borderLeftColor: color.care, borderRadius: 3, padding: 6, marginBottom: 6 },
  careSameDay: { padding: 6 },
  // The cover has one page: the compact box's lines are a little smaller to keep it there.
  careItemCompact: { fontSize: 9.5, lineHeight: 1.3 },
  careGroupTitle: { ...text, fontFamily: "Helvetica-Bold", color: color.care, marginBottom: 2 },
  help: { borderWidth: 1, borderColor: color.rule, borderRadius: 6, padding: 12, marginTop: 4, marginBottom: 10 },
  helpTitle: { fontFamily: "Helvetica-Bold", fontSize: 13, color: color.accent, marginBottom: 4 },
  helpLink: { ...text, color: color.accent },
  notePrompt: { marginBottom: 14 },
  writeLine: { borderBottomWidth: 1, borderBottomColor: color.rule, height: 26 },
  disclaimer: { borderTopWidth: 1, borderTopColor: color.rule, paddingTop: 12, marginTop: 10 },
  disclaimerTitle: { fontFamily: "Helvetica-Bold", fontSize: 12, marginBottom: 4 },
  disclaimerText: { ...text, fontSize: 10, color: color.muted, marginBottom: 6 },
  footer: {
    position: "absolute",
    bottom: 28,
    left: 56,
    right: 56,
    flexDirection: "row",
    justifyContent: "space-between",
    fontSize: 9,
    color: color.muted,
    borderTopWidth: 1,
    borderTopColor: color.rule,
    paddingTop: 6,
  },
});

function Bullets({ items, care = false, compact = false }: { items: readonly string[]; care?: boolean; compact?: boolean }) {
  const size = compact ? [s.careItemCompact] : [];
  return (
    <View style={s.list}>
      {items.map((item) => (
        <View key={item} style={s.listRow} wrap={false}>
          <Text style={[care ? s.careBullet : s.bullet, ...size]}>•</Text>
          <Text style={care ? [s.listText, s.careItem, ...size] : [s.listText, ...size]}>{item}</Text>
        </View>
      ))}
    </View>
  );
}

function Block({ block }: { block: GuideBlock }) {
  switch (block.kind) {
    case "paragraph":
      return <Text style={s.paragraph}>{block.text}</Text>;
    case "list":
      // Short lists stay whole, with their intro: no lone bullet at the top of a page.
      return (
        <View wrap={false}>
          {block.intro ? <Text style={s.listIntro}>{block.intro}</Text> : null}
          <Bullets items={block.items} />
        </View>
      );
    case "insight":
      return (
        <View style={s.insight} wrap={false}>
          <Text style={s.insightTitle}>{block.title}</Text>
          {block.text.map((line) => (
            <Text key={line} style={s.paragraph}>
              {line}
            </Text>
          ))}
        </View>
      );
    case "position":
      return (
        <View style={s.card} wrap={false}>
          <Text style={s.cardTitle}>{block.name}</Text>
          <Text style={s.cardSummary}>{block.summary}</Text>
          {block.steps.map((step, i) => (
            <View key={step} style={s.stepRow}>
              <Text style={s.stepNumber}>{i + 1}.</Text>
              <Text style={s.listText}>{step}</Text>
            </View>
          ))}
          <Text style={s.note}>{block.note}</Text>
        </View>
      );
    case "question":
      return (
        <View wrap={false}>
          <Text style={s.question}>{block.question}</Text>
          {block.answer.map((line) => (
            <Text key={line} style={s.answer}>
              {line}
            </Text>
          ))}
        </View>
      );
  }
}

/** A section's numbered heading; the red flags' number is drawn in the warning colour. */
function SectionHead({ number, heading, warning = false }: { number: number; heading: string; warning?: boolean }) {
  return (
    <View style={s.sectionHead}>
      <Text style={warning ? [s.sectionNumber, { backgroundColor: color.careBorder }] : s.sectionNumber}>{number}</Text>
      <Text style={s.sectionTitle}>{heading}</Text>
    </View>
  );
}

function Section({ section, number }: { section: GuideSection; number: number }) {
  return (
    <View style={s.section}>
      {/* Keep a heading with the start of its text: never alone at the foot of a page. */}
      <View wrap={false} minPresenceAhead={80}>
        <SectionHead number={number} heading={section.heading} />
        <Text style={s.lead}>{section.lead}</Text>
      </View>
      {section.blocks.map((block, i) => (
        <Block key={i} block={block} />
      ))}
    </View>
  );
}

/**
 * The graded red flags: on the cover, the two groups side by side (the cover has one page); in
 * its own section, one under the other, with why they matter.
 */
function RedFlags({ content, compact }: { content: GuideContent["redFlags"]; compact?: boolean }) {
  return (
    <View style={compact ? [s.care, s.careCompact] : s.care} wrap={false}>
      {/* In the full section the heading stands above the box; on the cover the box names itself. */}
      {compact ? <Text style={[s.careTitle, { fontSize: 14 }]}>{`Before you start: ${content.heading.toLowerCase()}`}</Text> : null}
      {compact ? null : <Text style={s.listIntro}>{content.intro}</Text>}
      <View style={compact ? s.careGroups : undefined}>
        {content.groups.map((group) => (
          <View
            key={group.title}
            style={[
              ...(compact ? [s.careGroup] : []),
              // On the cover the emergency signs get the wider column: fewer wrapped lines.
              ...(compact && group.tone === "emergency" ? [{ flex: 1.4 }] : []),
              group.tone === "emergency" ? s.careEmergency : s.careSameDay,
            ]}
          >
            <Text style={s.careGroupTitle}>{group.title}</Text>
            <Bullets items={group.items} care compact={compact} />
            <Text
              style={[
                s.careAction,
                { marginTop: 0, marginBottom: 2 },
                ...(compact ? [s.careItemCompact] : []),
                ...(group.tone === "emergency" ? [{ fontFamily: "Helvetica-Bold" }] : []),
              ]}
            >
              {group.action}
            </Text>
          </View>
        ))}
      </View>
      {compact ? null : <Text style={s.careAction}>{content.why}</Text>}
    </View>
  );
}

/** The clinic one tap away, and the related reading: only what the clinic has set. */
function NextSteps({ content, clinicName, bookingUrl, reading }: { content: GuideContent["nextSteps"]; clinicName: string } & GuideLinks) {
  const pieces = (Object.keys(READING_TITLES) as (keyof typeof READING_TITLES)[]).flatMap((key) => {
    const url = reading?.[key];
    return url ? [{ title: READING_TITLES[key], url }] : [];
  });
  if (!bookingUrl && pieces.length === 0) return null;
  return (
    <View style={s.help} wrap={false}>
      <Text style={s.helpTitle}>{content.heading}</Text>
      {bookingUrl ? (
        <Text style={s.paragraph}>
          {/* What the booking is for, as in the emails (issue 27, item 2): not the urgent signs. */}
          {`For symptoms that are not settling — not for the urgent signs in this guide — the team at ${clinicName} can assess what is going on. ${content.booking}: `}
          {/* The address is printed in full: the guide is meant to be printed, and paper has no links. */}
          <Link src={bookingUrl} style={s.helpLink}>
            {bookingUrl}
          </Link>
        </Text>
      ) : null}
      {pieces.length > 0 ? (
        <>
          <Text style={s.listIntro}>{`${content.reading}:`}</Text>
          {pieces.map((piece) => (
            <View key={piece.url} style={s.listRow}>
              <Text style={s.bullet}>•</Text>
              <Text style={s.listText}>
                {`${piece.title}: `}
                <Link src={piece.url} style={s.helpLink}>
                  {piece.url}
                </Link>
              </Text>
            </View>
          ))}
        </>
      ) : null}
    </View>
  );
}

function Footer({ clinicName, title }: { clinicName: string; title: string }) {
  return (
    <View style={s.footer} fixed>
      <Text>{`${title} · ${clinicName}`}</Text>
      <Text render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
    </View>
  );
}

export function GuideDocument({ content, clinicName, bookingUrl, reading }: GuideLinks & { content: GuideContent; clinicName: string }) {
  const sections = content.sections;
  const toc = [
    ...sections.map((x) => x.heading),
    content.redFlags.heading,
    content.notes.heading,
    content.disclaimer.heading,
  ];
  return (
    <Document
      title={content.title}
      author={clinicName}
      subject={content.subtitle}
      keywords="sciatica, flare-up, back pain, education"
      creator={clinicName}
      producer={clinicName}
      language="en"
    >
      <Page size="LETTER" style={[s.page, s.cover]}>
        <View style={s.band}>
          <Text style={s.brand}>{`${clinicName.toUpperCase()} · FREE GUIDE`}</Text>
          <Text style={s.title}>{content.title}</Text>
          <Text style={s.subtitle}>{content.subtitle}</Text>
        </View>
        <View style={s.coverBody}>
          {content.intro.map((line) => (
            <Text key={line} style={s.intro}>
              {line}
            </Text>
          ))}
          <Text style={s.tocTitle}>Inside this guide</Text>
          {/* Two columns, read down the first and then the second. */}
          <View style={s.toc}>
            {[toc.slice(0, Math.ceil(toc.length / 2)), toc.slice(Math.ceil(toc.length / 2))].map((column, c) => (
              <View key={c} style={s.tocColumn}>
                {column.map((heading, i) => (
                  <View key={heading} style={s.tocRow}>
                    <Text style={s.tocNumber}>{c * Math.ceil(toc.length / 2) + i + 1}</Text>
                    <Text style={s.tocText}>{heading}</Text>
                  </View>
                ))}
              </View>
            ))}
          </View>
        </View>
        <RedFlags content={content.redFlags} compact />
        <Footer clinicName={clinicName} title={content.title} />
      </Page>
      <Page size="LETTER" style={s.page}>
        {sections.map((section, i) => (
          <Section key={section.id} section={section} number={i + 1} />
        ))}
        <View wrap={false}>
          <SectionHead number={sections.length + 1} heading={content.redFlags.heading} warning />
          <RedFlags content={content.redFlags} />
        </View>
        <View break>
          <SectionHead number={sections.length + 2} heading={content.notes.heading} />
          <Text style={s.lead}>{content.notes.lead}</Text>
          {content.notes.prompts.map((prompt) => (
            <View key={prompt} style={s.notePrompt} wrap={false}>
              <Text style={s.question}>{prompt}</Text>
              <View style={s.writeLine} />
              <View style={s.writeLine} />
              <View style={s.writeLine} />
            </View>
          ))}
        </View>
        {/* The clinic's links and the disclaimer stay together: both belong on the last page. */}
        <View wrap={false}>
          <NextSteps content={content.nextSteps} clinicName={clinicName} bookingUrl={bookingUrl} reading={reading} />
          <View style={s.disclaimer}>
            <Text style={s.disclaimerTitle}>{content.disclaimer.heading}</Text>
            {content.disclaimer.paragraphs.map((line) => (
              <Text key={line} style={s.disclaimerText}>
                {line}
              </Text>
            ))}
            <Text style={s.disclaimerText}>
              {`© ${clinicName}. You are welcome to print this guide and share it with family or your clinician.`}
            </Text>
          </View>
        </View>
        <Footer clinicName={clinicName} title={content.title} />
      </Page>
    </Document>
  );
}
