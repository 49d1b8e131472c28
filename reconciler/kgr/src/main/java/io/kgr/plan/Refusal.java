package io.kgr.plan;

/** Something Git asks for that kgr will not do, and why. A plan with refusals is not applied. */
public record Refusal(String kind, String subject, String reason) {
}
