/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { emergencyAction, EMERGENCY_SIGNS, sameDayAction, SAME_DAY_SIGNS } from "../../emails/components/red-flags-wording.js";
import type { CheckInAnswer } from "../campaign/links.js";
import { actionPage } from "./action-page.js";
import { emailLinkPage, type PageSettings } from "./layout.js";

/** The check-in's answer pages (src/routes/check-in.ts): the one-visit page, then what comes next. */

const SAID: Record<CheckInAnswer, string> = { better: "Better", same: "About the same", worse: "Worse" };

export function checkInActionPage(c: Context, settings: PageSettings, action: string, answer: CheckInAnswer) {
  return actionPage(c, settings, {
    heading: "Thank you for letting us know",
    body: <p>Your answer: <strong>{SAID[answer]}</strong>. One moment while we note it.</p>,
    button: "Send my answer",
    action,
  });
}

export function answerRecordedPage(c: Context, settings: PageSettings, answer: CheckInAnswer) {
  if (answer === "worse") {
    return emailLinkPage(c, settings, { title: "Thank you", heading: "Thank you — first, please check these signs" }, [
      <SignsBox id="emergency" class="care" title="Emergency care now" signs={EMERGENCY_SIGNS} action={emergencyAction(settings.care)} />,
      <SignsBox id="same-day" class="same-day" title="A clinician the same day" signs={SAME_DAY_SIGNS} action={sameDayAction(settings.care)} />,
      <p>
        If none of these apply, we are sending you an email now with how to reach same-day care, and with gentler strategies
        that may help while a flare-up settles. {settings.clinicName} is here if your symptoms are not settling.
      </p>,
    ]);
  }
  const next =
    answer === "same"
      ? "Tomorrow we will send you ideas for bringing movement back gradually, and when it is worth booking an assessment."
      : "Good to hear. Tomorrow we will send you a few ways to keep it going, and your flare-up notes page.";
  return emailLinkPage(c, settings, { title: "Thank you", heading: "Thank you for letting us know" }, [
    <p>{next}</p>,
    <p class="small">Changed your mind? Open another answer from the same email: the latest one counts.</p>,
  ]);
}

/** One group of signs: a title, short lines, what to do. The two groups look different on purpose. */
function SignsBox(props: { id: string; class: string; title: string; signs: readonly string[]; action: string }) {
  return (
    <div class={props.class} id={props.id}>
      <p>
        <strong>{props.title}</strong>
      </p>
      <ul>
        {props.signs.map((sign) => (
          <li>{sign}</li>
        ))}
      </ul>
      <p>{props.action}</p>
    </div>
  );
}
