"""Phrase templates for every demo text, and vectorized picking.

Each negative phrase carries service vocabulary a reader recognises as negative ("on hold for
an hour", "never called back", "rude", "dismissive", "ignored", "frustrated", "unhelpful",
"not helpful", "waste of time", "disappointed", "useless", "nobody"); positive and neutral
phrases carry none of it. ``{name}`` marks where a staff member's display name goes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

NEGATIVE, NEUTRAL, POSITIVE = -1, 0, 1
Pools = Mapping[int, tuple[str, ...]]

OPENING_BY_TYPE: Mapping[str, tuple[str, ...]] = {
    "billing": (
        "I have a question about my latest invoice.",
        "I think I was charged twice this month.",
        "Can you explain the extra fee on my bill?",
        "My card payment did not go through.",
    ),
    "technical": (
        "My Wi-Fi keeps dropping every evening.",
        "The thermostat app will not connect.",
        "The security camera shows as offline.",
        "I need help setting up my new device.",
    ),
    "complaint": (
        "I want to make a complaint about my last visit.",
        "The installer left packaging all over my living room.",
        "My order was handled differently from what I was told.",
    ),
    "delivery": (
        "My parcel has not arrived yet.",
        "The delivery date changed again.",
        "Can I change my delivery address?",
        "The box arrived with a dent in it.",
    ),
    "product": (
        "Which mesh system would suit a three-bedroom house?",
        "Does the smart plug work with my speaker?",
        "Is the home security kit compatible with my phone?",
    ),
    "account": (
        "I need to update my address.",
        "How do I reset my password?",
        "Can I switch to the Plus plan?",
    ),
    "general": (
        "What are your opening hours on Saturday?",
        "Do you have the streaming stick in stock?",
        "Can I book an appointment at the store?",
    ),
}
COMMENT_LEAD_BY_TYPE: Mapping[str, tuple[str, ...]] = {
    "billing": ("About my invoice: ", "Billing question: "),
    "technical": ("Wi-Fi issue: ", "Setup help: "),
    "complaint": ("About my complaint: ",),
    "delivery": ("Re my delivery: ",),
    "product": ("Product question: ",),
    "account": ("Account change: ",),
    "general": ("",),
}
AGENT_REPLY = (
    "Let me check that for you.",
    "Thanks for reaching out, I am looking into it now.",
    "Could you confirm your customer number, please?",
    "One moment while I pull up your account.",
)
EMPATHETIC_AGENT_REPLY = (
    "I completely understand, that sounds stressful. Let me sort it out for you.",
    "I hear you, and I understand how much this matters. Let's fix it together.",
    "Thank you for your patience, I understand how important this is to you.",
)
# An agent acknowledging the customer's earlier contact (follow-ups only); the warehouse finds
# these phrases through the seed dbt_project/seeds/acknowledgement_phrases.csv.
ACKNOWLEDGEMENT = (
    "I can see you contacted us about this recently.",
    "I have read the notes from your previous conversation with us.",
    "Following up on your last contact with us,",
)
BOT_REPLY = (
    "Hi! I am the Brightside virtual assistant. I can help with that.",
    "Please choose one of the options below.",
    "I found an article that may answer your question.",
)
ESCALATION = (
    ("Can I talk to a real person, please?", "Transferring you to a member of our team."),
    ("I would like to speak to an agent.", "Connecting you with a colleague now."),
)
RESOLVED = (
    "That is all sorted now.",
    "I have fixed it on our side; it should work now.",
    "I have applied the change to your account.",
)
UNRESOLVED = (
    "I have passed this to our specialists; someone will contact you.",
    "We need more time to look into this.",
)
BOT_UNRESOLVED = ("I could not find an answer to that.", "Please try again later.")
CLOSING: Pools = {
    POSITIVE: (
        "Thank you, that was really helpful.",
        "Thanks for being so understanding about this.",
        "You've been very patient and kind, thank you.",
        "Great, that solves it. I appreciate the help.",
        "Perfect, thanks for taking the time to explain.",
        "Wonderful, you really went above and beyond.",
        "Brilliant, thank you for caring about this.",
    ),
    NEUTRAL: (
        "Okay, I will wait for the update.",
        "Alright, noted.",
        "I will check again tomorrow.",
        "Okay. Bye.",
        "I see. I will try that.",
    ),
    NEGATIVE: (
        "This is not helpful at all.",
        "I was on hold for an hour before anyone answered, this is frustrating.",
        "Last time you never called back either.",
        "You are ignoring the actual problem.",
        "Honestly that was rude and dismissive.",
        "What a waste of time, I am really frustrated.",
        "Unhelpful as always. I am disappointed.",
        "Nobody seems to care, I feel completely ignored.",
    ),
}
CLOSING_PRAISE = ("Thanks {name}, you were really helpful.", "{name}, you went above and beyond!")
OUTREACH_OPENING = "Hi, this is Brightside calling to check how the setup of your new "
OUTREACH_REPLY: Pools = {
    POSITIVE: (
        "That's thoughtful of you, thanks for checking in.",
        "It works great, thanks for the helpful tips.",
    ),
    NEUTRAL: ("I have not had time to set it up yet.", "It is mostly working, I think."),
    NEGATIVE: ("Honestly it is frustrating, the app is useless.",),
}
OUTREACH_CLOSING = ("Happy to help, call us anytime.", "I will email you a setup guide.")
COMMENT: Pools = {
    POSITIVE: (
        "Really helpful and understanding staff.",
        "Quick, friendly and caring service.",
        "They went above and beyond for me.",
        "The agent listened and solved it straight away.",
        "Excellent support, very patient with me.",
        "Great service, thank you!",
        "Kind and helpful as always.",
    ),
    NEUTRAL: ("It was okay.", "Average.", "Took a while.", "As expected.", "Answer came by email."),
    NEGATIVE: (
        "On hold for an hour, not acceptable.",
        "Not helpful at all.",
        "They never called back.",
        "Rude and dismissive agent.",
        "I felt ignored and frustrated.",
        "Unhelpful, a waste of time.",
        "Nobody listened to me, very disappointed.",
    ),
}
COMMENT_PRAISE = ("{name} was so helpful, thank you!", "{name} went above and beyond.")
NPS_COMMENT: Pools = {
    POSITIVE: (
        "Always helpful people in store.",
        "Great products and caring support.",
        "I recommend them to all my friends.",
        "Friendly team, they always find a solution.",
    ),
    NEUTRAL: ("Prices are average.", "Does the job.", "Nothing special."),
    NEGATIVE: (
        "Support is unhelpful when something breaks.",
        "Too many hours on hold.",
        "They ignored my complaints.",
        "Rude staff at the store, disappointed.",
    ),
}
EXIT_COMMENT_BY_REASON: Mapping[str, tuple[str, ...]] = {
    "Price": ("Found a cheaper plan elsewhere.", "Prices went up again."),
    "Service": ("I felt ignored every time I called.", "Support was unhelpful and slow."),
    "Product": ("The system kept failing and nobody fixed it.", "Too complicated to set up."),
    "Moving": ("Moving abroad.", "Relocating to another city."),
    "Competitor": ("A competitor offered a better deal.",),
    "Other": ("Personal reasons.", ""),
}
REVIEW: Pools = {
    POSITIVE: (
        "Fantastic store, the staff are helpful and really know their stuff.",
        "Very caring team, they went above and beyond to get my Wi-Fi working.",
        "Friendly, patient and understanding. Will come back.",
        "Great service from start to finish.",
        "Quick install and a kind, helpful technician.",
    ),
    NEUTRAL: (
        "Decent store, average prices.",
        "Okay experience. Delivery took a week.",
        "Does the job.",
    ),
    NEGATIVE: (
        "Was on hold for an hour and nobody could help.",
        "Rude and dismissive staff, would not recommend.",
        "They never called back about my broken camera.",
        "Terrible support, I felt completely ignored.",
        "Not helpful at all, a total waste of time.",
        "Frustrating experience, the installer was unhelpful.",
    ),
}
REVIEW_PRAISE = (
    "{name} went above and beyond to help me.",
    "{name} was incredibly helpful and understanding.",
    "Thanks to {name} for the great service!",
)
REPLY: Pools = {
    POSITIVE: (
        "Thank you so much for the kind words! We will share them with the team.",
        "We are delighted to hear this, thank you for choosing us.",
    ),
    NEUTRAL: ("Thanks for your feedback, we appreciate it.",),
    NEGATIVE: (
        "We are sorry to hear about your experience. Please contact us so we can make it right.",
        "We apologise, this is not the service we aim for. Our manager will reach out.",
    ),
}
SOCIAL: Pools = {
    POSITIVE: (
        "Shoutout to the Brightside team, super helpful today!",
        "Brightside fixed my Wi-Fi in ten minutes. Great service.",
        "Love how caring the Brightside staff are.",
    ),
    NEUTRAL: (
        "Anyone tried the Brightside mesh system?",
        "Is Brightside open on the holiday Monday?",
    ),
    NEGATIVE: (
        "On hold with Brightside for an hour. Not impressed.",
        "Brightside support never called back. #frustrated",
        "Rude staff at Brightside today, so disappointed.",
    ),
}


def pick(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> np.ndarray:
    """``n`` phrases drawn uniformly from a pool."""
    return np.array(pool, dtype=object)[rng.integers(0, len(pool), n)]


def pick_by(rng: np.random.Generator, keys: np.ndarray, pools: Mapping) -> np.ndarray:
    """One phrase per row from the pool of that row's key (a tone or a category)."""
    out = np.full(len(keys), "", dtype=object)
    for key, pool in pools.items():
        rows = np.flatnonzero(keys == key)
        out[rows] = pick(rng, pool, len(rows))
    return out


def praise(rng: np.random.Generator, templates: tuple[str, ...], names: np.ndarray) -> np.ndarray:
    """Phrases naming a staff member, one per given display name."""
    parts = [t.split("{name}") for t in templates]
    chosen = rng.integers(0, len(parts), len(names))
    before = np.array([p[0] for p in parts], dtype=object)[chosen]
    after = np.array([p[1] for p in parts], dtype=object)[chosen]
    return before + names + after
