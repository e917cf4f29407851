"""Knowledge (信息采编, 001 §2.2; 003 ch.9): articles written, reviewed by someone else,
published, expired and withdrawn, every version kept; the FAQ the portal shows; the
articles a consultation's answer cites; what searches found nothing."""
