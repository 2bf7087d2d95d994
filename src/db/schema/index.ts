export * from "./subscribers.js";
export * from "./consents.js";
export * from "./enrollments.js";
export * from "./deliveries.js";
export * from "./email-events.js";
export * from "./outbox-emails.js";
