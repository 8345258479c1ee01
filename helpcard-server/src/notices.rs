//! Notices to a card's holder and chosen family when its private part is opened: which
//! organisation and role opened it, when, why, and whom to call if it was not expected — never
//! anything the card says.
//!
//! A notice is written into the audit log's outbox in the same transaction as the opening's
//! audit row ([`helpcard_audit::AuditLog::append_with_messages`]): a crash after the answer
//! cannot lose it. A background sender hands due notices to the office's SMTP relay (submission
//! port with STARTTLS, or implicit TLS, with authentication), and tries a failed one again after
//! 30 s, doubling to an hour: a relay that is down delays notices and loses none, and an
//! opening never waits for mail.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use helpcard_audit::{Message, Pending};
use helpcard_core::date::UnixTime;
use helpcard_core::reason::Given;
use helpcard_core::vocab::Lang;
use helpcard_office::registry::NotifyTo;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MessageBuilder, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};

use crate::app::App;
use crate::http::now;
use crate::store::Role;

/// What notices say beyond the opening itself.
#[derive(Clone, Debug, Default)]
pub struct NoticeConfig {
    /// Whom to call if an opening was not expected (the issuing office and its number).
    pub contact: String,
    /// Each group's organisation as people know it (`welfare` → 「武蔵野市 福祉課」).
    pub organisations: HashMap<String, String>,
}

impl NoticeConfig {
    /// The organisation of responder group `group` (the group's own name if none is set).
    pub fn organisation(&self, group: &str) -> String {
        self.organisations
            .get(group)
            .cloned()
            .unwrap_or_else(|| group.to_owned())
    }
}

/// JST: notices give the time as people in Japan read it.
const JST: u64 = 9 * 3600;

/// Who opened a card, as a holder is told: never a person's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opener<'a> {
    /// Someone signed in at the key service: their group and role.
    Person {
        /// Their responder group.
        group: &'a str,
        /// Their role, when known.
        role: Option<Role>,
    },
    /// An enrolled kiosk at a facility: its group and id.
    Kiosk {
        /// The kiosk's group.
        group: &'a str,
        /// The kiosk's id.
        id: &'a str,
    },
}

impl Opener<'_> {
    /// The person's or kiosk's group.
    pub fn group(&self) -> &str {
        match self {
            Opener::Person { group, .. } | Opener::Kiosk { group, .. } => group,
        }
    }

    /// The role's words, or the kiosk's (`施設の端末 ID`); `None` for a person whose role is
    /// not known.
    pub fn words(&self, lang: Lang) -> Option<String> {
        match self {
            Opener::Person { role, .. } => role.map(|role| {
                match role {
                    Role::Responder => lang.pick("応答者", "responder", "たすける ひと"),
                    Role::Issuer => {
                        lang.pick("発行窓口の職員", "issuing office staff", "まどぐちの ひと")
                    }
                    Role::Admin => lang.pick("管理者", "administrator", "せきにんしゃ"),
                }
                .to_owned()
            }),
            Opener::Kiosk { id, .. } => Some(format!(
                "{} {id}",
                lang.pick("施設の端末", "facility kiosk", "しせつの きかい")
            )),
        }
    }

    /// "武蔵野消防署（応答者）": the organisation and, when known, the role.
    pub fn said(&self, config: &NoticeConfig, lang: Lang) -> String {
        let organisation = config.organisation(self.group());
        match self.words(lang) {
            Some(words) if lang == Lang::En => format!("{organisation} ({words})"),
            Some(words) => format!("{organisation}（{words}）"),
            None => organisation,
        }
    }
}

/// "2026年12月5日 19:23" (Japan time), or the English and やさしい日本語 forms.
pub(crate) fn when(at: u64, lang: Lang) -> String {
    let local = at + JST;
    let date = UnixTime(local).date();
    let (y, m, d) = date.ymd();
    let (hh, mm) = (local % 86_400 / 3600, local % 3600 / 60);
    lang.pick(
        format!("{y}年{m}月{d}日 {hh}:{mm:02}（日本時間）"),
        format!("{date} {hh}:{mm:02} (Japan time)"),
        format!("{y}ねん{m}がつ{d}にち {hh}じ{mm}ふん"),
    )
}

/// The notices owed for one opening of card `card_id`: one per address, in its language (a
/// Japanese one with a やさしい日本語 version after it).
pub fn messages(
    config: &NoticeConfig,
    to: &[NotifyTo],
    card_id: &str,
    by: Opener<'_>,
    reason: &Given,
    at: u64,
) -> Vec<Message> {
    let one = |lang: Lang| {
        let contact = &config.contact;
        lang.pick(
            format!(
                "ヘルプカード（カード番号 {card_id}）の支援の詳細が開かれました。\n\n日時: {}\n開いた人: {}\n理由: {}\n\n心当たりがないときは、{contact} に連絡してください。\nこのメールにカードの内容は書かれていません。\n",
                when(at, Lang::Ja),
                by.said(config, Lang::Ja),
                reason.words(Lang::Ja)
            ),
            format!(
                "The support details on help card {card_id} were opened.\n\nWhen: {}\nBy: {}\nWhy: {}\n\nIf you did not expect this, call {contact}.\nThis e-mail holds nothing the card says.\n",
                when(at, Lang::En),
                by.said(config, Lang::En),
                reason.words(Lang::En)
            ),
            format!(
                "あなたの ヘルプカードの くわしい ことが ひらかれました。\n\nいつ: {}\nだれ: {}\nなぜ: {}\n\nわからない ときは {contact} に れんらく して ください。\n",
                when(at, Lang::EasyJa),
                by.said(config, Lang::EasyJa),
                reason.words(Lang::EasyJa)
            ),
        )
    };
    to.iter()
        .map(|n| {
            let (subject, body) = match n.lang {
                Lang::En => (
                    format!("Your help card was opened ({card_id})"),
                    one(Lang::En),
                ),
                Lang::EasyJa => (
                    format!("ヘルプカードが ひらかれました（{card_id}）"),
                    one(Lang::EasyJa),
                ),
                _ => (
                    format!("ヘルプカードが開かれました（{card_id}）"),
                    format!(
                        "{}\n――― やさしい にほんご ―――\n{}",
                        one(Lang::Ja),
                        one(Lang::EasyJa)
                    ),
                ),
            };
            Message {
                to: n.address.clone(),
                subject,
                body,
            }
        })
        .collect()
}

/// The office's SMTP relay.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// A relay at `url` (`smtp://host:587?tls=required` for STARTTLS, `smtps://host:465` for
    /// implicit TLS, `smtp://host:port` without TLS on a trusted host), sending as `from`, with
    /// `credentials` (user, password) when it asks for them.
    pub fn new(
        url: &str,
        from: &str,
        credentials: Option<(String, String)>,
    ) -> Result<Mailer, String> {
        let mut builder = SmtpTransport::from_url(url).map_err(|e| format!("--smtp {url}: {e}"))?;
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        let from = from
            .parse()
            .map_err(|e| format!("--notice-from {from}: {e}"))?;
        Ok(Mailer {
            transport: builder.timeout(Some(Duration::from_secs(20))).build(),
            from,
        })
    }

    /// Hands one message to the relay.
    fn send(&self, pending: &Pending) -> Result<(), String> {
        let to: Mailbox = pending
            .message
            .to
            .parse()
            .map_err(|e| format!("address: {e}"))?;
        let email = MessageBuilder::new()
            .from(self.from.clone())
            .to(to)
            .subject(pending.message.subject.clone())
            // Stable per notice: a relay or a mail client can tell a repeat.
            .message_id(Some(format!(
                "<notice-{}-{}@helpcard>",
                pending.seq, pending.id
            )))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    // Base64: any relay takes it, 8BITMIME or not.
                    .header(ContentTransferEncoding::Base64)
                    .body(pending.message.body.clone()),
            )
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&email)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// Seconds until a message that failed `attempts` times is tried again: `first`, doubling, at
/// most an hour.
fn backoff(first: u64, attempts: u32) -> u64 {
    (first << attempts.min(12)).min(3600)
}

/// Messages taken from the outbox at a time.
const BATCH: usize = 50;

/// Sends what is due until the process ends, in its own thread: SMTP is slow and blocking, and
/// openings never wait for it. With nothing due it sleeps until an opening writes notices (the
/// audit log's lock and [`App`]'s condition variable: none is missed) or `every` passes (a
/// notice waiting for its retry). A refused message is tried again after `retry_secs`, doubling.
pub fn run(app: Arc<App>, mailer: Mailer, every: Duration, retry_secs: u64) {
    let spawned = std::thread::Builder::new()
        .name("notices".into())
        .spawn(move || {
            loop {
                let due = {
                    let log = app.audit.lock().unwrap_or_else(|e| e.into_inner());
                    match log.claim(now(), BATCH) {
                        Ok(due) if !due.is_empty() => due,
                        Ok(_) => {
                            drop(app.notices_written.wait_timeout(log, every));
                            continue;
                        }
                        Err(e) => {
                            eprintln!("helpcard-server: outbox: {e}");
                            drop(app.notices_written.wait_timeout(log, every));
                            continue;
                        }
                    }
                };
                for pending in due {
                    let sent = mailer.send(&pending);
                    if let Err(e) = &sent {
                        eprintln!("helpcard-server: notice {}: {e}", pending.id);
                    }
                    let log = app.audit.lock().unwrap_or_else(|e| e.into_inner());
                    let marked = match &sent {
                        Ok(()) => log.sent(pending.id, now()),
                        Err(e) => log.not_sent(
                            pending.id,
                            now() + backoff(retry_secs, pending.attempts),
                            e,
                        ),
                    };
                    if let Err(e) = marked {
                        // Not marked: sleep rather than send it again at once.
                        eprintln!("helpcard-server: outbox: {e}");
                        drop(app.notices_written.wait_timeout(log, every));
                    }
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("helpcard-server: cannot start the notice sender: {e}");
    }
}

#[cfg(test)]
mod tests;
