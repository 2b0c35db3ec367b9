// Which reminders are due, their localized words, the outbox and the delivery channels.
// This file only names the module; its types live beside it.
