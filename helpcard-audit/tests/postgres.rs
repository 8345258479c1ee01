//! The audit log on a real PostgreSQL server (`HELPCARD_TEST_POSTGRES`, a throwaway cluster that
//! `scripts/test-all` starts), as several key-service instances use it: one chain however many
//! processes append, checkpoints that verify, triggers that refuse edits, and an outbox whose
//! messages are claimed by one sender each. Without a named server these tests say so and do
//! nothing; `scripts/test-all` always names one.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use helpcard_audit::{AuditLog, CheckpointPolicy, Database, DeviceKey, Event, Message, verify_in};
use helpcard_db::scratch;

fn key() -> DeviceKey {
    DeviceKey::from_bytes(&[42; 32])
}

fn event(i: u64, actor: &str) -> Event {
    Event {
        at: 1_767_225_600 + i,
        kind: "unwrap".into(),
        actor: actor.into(),
        card_id: Some(format!("{:016x}", i % 3)),
        issuer: Some("musashino".into()),
        result: "ok".into(),
        detail: format!("#{i}"),
    }
}

/// A fresh database's URL, or `None` (and a line saying why) without a test server.
fn database(name: &str) -> Option<String> {
    let url = scratch::database(name);
    if url.is_none() {
        eprintln!("{} is not set: PostgreSQL test skipped", scratch::ENV);
    }
    url
}

fn open(url: &str, policy: CheckpointPolicy) -> AuditLog {
    AuditLog::on(Database::postgres(url, 2).unwrap(), key(), policy).unwrap()
}

#[test]
fn instances_appending_at_once_make_one_chain_that_verifies() {
    let Some(url) = database("audit_chain") else {
        return;
    };
    let policy = CheckpointPolicy {
        every_events: 25,
        every_secs: 0,
        export_dir: None,
    };
    // Four writers (four instances' logs) append 100 rows each, interleaved.
    let threads: Vec<_> = (0..4)
        .map(|w| {
            let (url, policy) = (url.clone(), policy.clone());
            std::thread::spawn(move || {
                let mut log = open(&url, policy);
                (0..100)
                    .map(|i| log.append(&event(i, &format!("instance-{w}"))).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let seqs: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let distinct: HashSet<_> = seqs.iter().collect();
    assert_eq!(
        (seqs.len(), distinct.len()),
        (400, 400),
        "a sequence number given twice"
    );
    let log = open(&url, CheckpointPolicy::none());
    let report = verify_in(log.database(), &key().public(), &[]).unwrap();
    assert_eq!(report.rows, 400);
    assert!(report.stored_checkpoints >= 4, "{report:?}");
}

#[test]
fn the_triggers_refuse_edits_and_the_verifier_names_a_changed_row() {
    let Some(url) = database("audit_edit") else {
        return;
    };
    let mut log = open(&url, CheckpointPolicy::none());
    for i in 1..=5 {
        log.append(&event(i, "a")).unwrap();
    }
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for sql in [
        "UPDATE events SET actor = 'x' WHERE seq = 3",
        "DELETE FROM events WHERE seq = 5",
        "TRUNCATE checkpoints",
    ] {
        let err = admin.batch_execute(sql).unwrap_err();
        assert!(
            err.as_db_error().unwrap().message().contains("append-only"),
            "{sql}: {err:?}"
        );
    }
    // Whoever owns the database can drop the trigger: the chain still tells.
    admin
        .batch_execute(
            "ALTER TABLE events DISABLE TRIGGER events_append_only;
             UPDATE events SET actor = 'x' WHERE seq = 3",
        )
        .unwrap();
    let err = verify_in(log.database(), &key().public(), &[]).unwrap_err();
    assert!(err.to_string().contains('3'), "{err}");
}

#[test]
fn two_senders_never_claim_the_same_message() {
    let Some(url) = database("audit_outbox") else {
        return;
    };
    let mut log = open(&url, CheckpointPolicy::none());
    for i in 0..100 {
        let m = |to: &str| Message {
            to: to.into(),
            subject: "opened".into(),
            body: format!("#{i}"),
        };
        log.append_with_messages(&event(i, "a"), &[m("a@example.jp"), m("b@example.jp")])
            .unwrap();
    }
    let now = event(100, "a").at;
    // Two instances' senders, claiming small batches as fast as they can.
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let log = open(&url, CheckpointPolicy::none());
                let mut mine = Vec::new();
                loop {
                    let batch = log.claim(now, 7).unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    for p in batch {
                        log.sent(p.id, now).unwrap();
                        mine.push(p.id);
                    }
                }
            })
        })
        .collect();
    let claimed: Vec<Vec<i64>> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    let all: Vec<i64> = claimed.concat();
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(
        (all.len(), distinct.len()),
        (200, 200),
        "a message claimed twice"
    );
    assert_eq!(log.outbox_counts().unwrap(), (0, 200));
}
