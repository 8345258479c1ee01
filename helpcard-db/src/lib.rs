//! One SQL database for helpcard's stores: SQLite in a file (the embedded default) or
//! PostgreSQL by URL (several key-service instances on one database).
//!
//! The stores write their SQL once, with SQLite's numbered parameters (`?1`, `?2`), in the part
//! of SQL both databases share; PostgreSQL gets them as `$1`, `$2`. What differs is said where it
//! differs: each store's migrations are written for both ([`Migrations`]), and a statement that
//! only PostgreSQL needs (a row lock that SQLite's single writer makes unnecessary) is run under
//! [`Tx::is_postgres`].
//!
//! A [`Database`] is a small pool: SQLite has one connection (one writer; `BEGIN IMMEDIATE`
//! takes the write lock before a transaction reads), PostgreSQL several (each transaction on one
//! of them). A PostgreSQL connection that broke (the server restarted, the network failed) is
//! dropped and a new one made on the next use, so a service that lost its database answers
//! [`DbError::Unavailable`] meanwhile and recovers by itself.
#![forbid(unsafe_code)]

#[cfg(feature = "postgres")]
mod pg;
mod value;

use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

pub use value::{FromValue, Row, Value};

/// How long a SQLite writer waits for another process's lock before giving up.
const SQLITE_BUSY: Duration = Duration::from_secs(5);

/// The environment variable naming a PEM file of the CA certificates PostgreSQL's server
/// certificate is checked against (a city's own CA); without it, Mozilla's roots.
pub const CA_ENV: &str = "HELPCARD_DATABASE_CA";

/// Why the database refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// SQLite refused (locked, full disk, not a database, a trigger).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused (a constraint, a trigger, a query error).
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL: {}", pg::message(.0))]
    Postgres(postgres::Error),
    /// The database cannot be reached now (PostgreSQL down, restarting or unreachable): worth
    /// answering 503 and trying again.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// A column is missing or of another type than its reader expects (edited by hand).
    #[error("column {index} is not {wanted} (the database was edited, or is of another version)")]
    Column {
        /// The column's position.
        index: usize,
        /// What was expected.
        wanted: &'static str,
    },
    /// The database was written by a later version of helpcard.
    #[error(
        "the {component} schema is at version {found}, newer than this program's {known}: use a later helpcard"
    )]
    Newer {
        /// Whose schema (`people`, `audit`).
        component: String,
        /// The version found.
        found: i64,
        /// The latest this program knows.
        known: i64,
    },
    /// The database URL does not parse.
    #[error("database URL: {0}")]
    Url(String),
}

impl DbError {
    /// True when the database could not be reached (rather than refusing a statement).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, DbError::Unavailable(_))
    }

    /// True when another writer held what this one needed (SQLite's lock past its wait, a
    /// PostgreSQL lock or serialization conflict): worth trying again shortly.
    pub fn is_busy(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            #[cfg(feature = "postgres")]
            DbError::Postgres(e) => pg::is_busy(e),
            _ => false,
        }
    }
}

/// One connection.
enum Conn {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(pg::Client),
}

/// Where connections come from.
enum Source {
    /// The one SQLite connection lives in the pool for good.
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres(Box<pg::Source>),
}

struct Slots {
    idle: Vec<Conn>,
    /// Connections handed out or being made.
    busy: usize,
}

/// A database: SQLite (one connection) or PostgreSQL (a pool).
pub struct Database {
    source: Source,
    /// Most connections at once (SQLite's one never leaves the pool).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    max: usize,
    slots: Mutex<Slots>,
    freed: Condvar,
}

impl Database {
    /// Opens (or creates, owner-only) the SQLite database at `path`, in WAL mode, each commit on
    /// disk when it returns (`synchronous = FULL`: a crash loses nothing a caller was told about).
    pub fn sqlite(path: &Path) -> Result<Database, DbError> {
        // Owner-only from the first byte (SQLite gives its -wal and -shm files the same mode).
        #[cfg(unix)]
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(SQLITE_BUSY)?;
        // WAL: readers never block the writer.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(Database::with_sqlite(conn))
    }

    /// The SQLite database at `path`, read only (a verifier or forwarder beside the writer).
    pub fn sqlite_read_only(path: &Path) -> Result<Database, DbError> {
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        conn.busy_timeout(SQLITE_BUSY)?;
        Ok(Database::with_sqlite(conn))
    }

    fn with_sqlite(conn: rusqlite::Connection) -> Database {
        Database {
            source: Source::Sqlite,
            max: 1,
            slots: Mutex::new(Slots {
                idle: vec![Conn::Sqlite(conn)],
                busy: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Connects to PostgreSQL at `url` with a pool of up to `pool` connections (one is made now,
    /// so a wrong URL or password is reported at start); TLS checked against the CA file named
    /// by [`CA_ENV`], else Mozilla's roots.
    pub fn postgres(url: &str, pool: usize) -> Result<Database, DbError> {
        let ca = std::env::var_os(CA_ENV).map(std::path::PathBuf::from);
        Database::postgres_with_ca(url, pool, ca.as_deref())
    }

    /// [`Database::postgres`] with the server's certificate checked against the CA
    /// certificates in the PEM file `ca` (`None`: Mozilla's roots).
    pub fn postgres_with_ca(
        url: &str,
        pool: usize,
        ca: Option<&Path>,
    ) -> Result<Database, DbError> {
        #[cfg(feature = "postgres")]
        {
            let source = pg::Source::new(url, ca)?;
            let first = pg::blocking(|| source.connect())?;
            Ok(Database {
                source: Source::Postgres(Box::new(source)),
                max: pool.max(1),
                slots: Mutex::new(Slots {
                    idle: vec![first],
                    busy: 0,
                }),
                freed: Condvar::new(),
            })
        }
        #[cfg(not(feature = "postgres"))]
        {
            let _ = (url, pool, ca);
            Err(DbError::Url(
                "this program was built without PostgreSQL (cargo feature `postgres`)".into(),
            ))
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        match self.source {
            Source::Sqlite => false,
            #[cfg(feature = "postgres")]
            Source::Postgres(_) => true,
        }
    }

    /// Runs `f` in one transaction, committed when it returns `Ok`, rolled back otherwise. On
    /// SQLite the write lock is taken first (`BEGIN IMMEDIATE`), so a transaction that reads
    /// and then writes never races another process; on PostgreSQL, at `READ COMMITTED`, a
    /// transaction that must see no concurrent change locks what it reads (`FOR UPDATE`).
    pub fn write<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(true, f)
    }

    /// Runs `f`'s statements one by one, each committed by itself: for reads, and for single
    /// statements.
    pub fn read<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(false, f)
    }

    /// Checks that the database answers (`SELECT 1`): for readiness.
    pub fn ping(&self) -> Result<(), DbError> {
        self.read(|tx| tx.query("SELECT 1", &[]).map(drop))
    }

    /// Brings `migrations.component`'s schema to its latest version, in one transaction;
    /// refuses a database a later program wrote ([`DbError::Newer`]). Two instances starting
    /// at once on PostgreSQL take turns (an advisory lock), so a migration runs once.
    pub fn migrate(&self, migrations: &Migrations<'_>) -> Result<(), DbError> {
        let steps = if self.is_postgres() {
            migrations.postgres
        } else {
            migrations.sqlite
        };
        let known = steps.len() as i64;
        self.write(|tx| {
            let found: i64 = if tx.is_postgres() {
                tx.execute("SELECT pg_advisory_xact_lock(4807220001)", &[])?;
                tx.batch(
                    "CREATE TABLE IF NOT EXISTS helpcard_schema (
                         component TEXT PRIMARY KEY,
                         version   BIGINT NOT NULL)",
                )?;
                match tx.query_opt(
                    "SELECT version FROM helpcard_schema WHERE component = ?1",
                    &[migrations.component.into()],
                )? {
                    Some(row) => row.get(0)?,
                    None => 0,
                }
            } else {
                tx.query_one("PRAGMA user_version", &[])?.get(0)?
            };
            if found > known {
                return Err(DbError::Newer {
                    component: migrations.component.to_owned(),
                    found,
                    known,
                });
            }
            for step in &steps[found as usize..] {
                tx.batch(step)?;
            }
            if found < known {
                if tx.is_postgres() {
                    tx.execute(
                        "INSERT INTO helpcard_schema (component, version) VALUES (?1, ?2)
                         ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                        &[migrations.component.into(), known.into()],
                    )?;
                } else {
                    tx.batch(&format!("PRAGMA user_version = {known}"))?;
                }
            }
            Ok(())
        })
    }

    fn run<T, E: From<DbError>>(
        &self,
        transaction: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let work = || {
            let mut lease = self.lease()?;
            let conn = lease.conn.as_mut().ok_or_else(gone)?;
            let mut tx = Tx { conn };
            if transaction {
                let begin = if tx.is_postgres() {
                    "BEGIN"
                } else {
                    "BEGIN IMMEDIATE"
                };
                tx.batch(begin)?;
            }
            let out = f(&mut tx);
            let ended = match (&out, transaction) {
                (_, false) => Ok(()),
                (Ok(_), true) => tx.batch("COMMIT"),
                (Err(_), true) => tx.batch("ROLLBACK"),
            };
            match (out, ended) {
                (Ok(v), Ok(())) => Ok(v),
                (Ok(_), Err(e)) => Err(E::from(e)),
                (Err(e), _) => Err(e),
            }
        };
        #[cfg(feature = "postgres")]
        if self.is_postgres() {
            return pg::blocking(work);
        }
        work()
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // A panic while holding the lock leaves the slots consistent (plain counters).
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A connection for one unit of work: an idle one, a new one (PostgreSQL, below the pool's
    /// size), or the next one given back.
    fn lease(&self) -> Result<Lease<'_>, DbError> {
        let mut slots = self.lock();
        loop {
            if let Some(conn) = slots.idle.pop() {
                slots.busy += 1;
                return Ok(Lease {
                    db: self,
                    conn: Some(conn),
                });
            }
            #[cfg(feature = "postgres")]
            if let (Source::Postgres(source), true) = (&self.source, slots.busy < self.max) {
                slots.busy += 1;
                drop(slots);
                return match source.connect() {
                    Ok(conn) => Ok(Lease {
                        db: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.give_back(None);
                        Err(e)
                    }
                };
            }
            slots = self.freed.wait(slots).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn give_back(&self, conn: Option<Conn>) {
        let mut slots = self.lock();
        slots.busy -= 1;
        slots.idle.extend(conn);
        drop(slots);
        self.freed.notify_one();
    }
}

impl Drop for Database {
    /// A PostgreSQL client says goodbye to the server when dropped, driving its own runtime to
    /// do so, which it may not inside another (the key service's, as it shuts down): the
    /// connections are closed on a thread of their own.
    fn drop(&mut self) {
        let idle = std::mem::take(&mut self.lock().idle);
        if self.is_postgres() && !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

/// A connection lent out; given back (or, if it broke, dropped) when done.
struct Lease<'a> {
    db: &'a Database,
    conn: Option<Conn>,
}

impl Lease<'_> {
    /// Drops a PostgreSQL connection that closed, so the next use makes a new one.
    fn check(&mut self) {
        #[cfg(feature = "postgres")]
        if let Some(Conn::Postgres(client)) = &self.conn
            && client.is_closed()
        {
            self.conn = None;
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // A unit of work that panicked may have left its transaction open: SQLite's is rolled
        // back; a PostgreSQL connection in an unknown state is not reused.
        match &self.conn {
            Some(Conn::Sqlite(c)) if !c.is_autocommit() => {
                let _ = c.execute_batch("ROLLBACK");
            }
            #[cfg(feature = "postgres")]
            Some(Conn::Postgres(_)) if std::thread::panicking() => self.conn = None,
            _ => {}
        }
        self.check();
        self.db.give_back(self.conn.take());
    }
}

fn gone() -> DbError {
    DbError::Unavailable("the connection was lost".into())
}

/// A store's migrations, by the version each brings the schema to (the first brings it to 1),
/// written for each database. The two lists have the same length and meaning.
pub struct Migrations<'a> {
    /// The name the version is kept under (PostgreSQL keeps every store's in one table;
    /// a SQLite file holds one store and keeps it as `PRAGMA user_version`).
    pub component: &'a str,
    /// SQLite's.
    pub sqlite: &'a [&'a str],
    /// PostgreSQL's.
    pub postgres: &'a [&'a str],
}

/// Statements on one connection, inside a transaction or not (see [`Database::write`]).
pub struct Tx<'a> {
    conn: &'a mut Conn,
}

impl Tx<'_> {
    /// True on PostgreSQL: for the statements only it needs.
    pub fn is_postgres(&self) -> bool {
        match self.conn {
            Conn::Sqlite(_) => false,
            #[cfg(feature = "postgres")]
            Conn::Postgres(_) => true,
        }
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        match self.conn {
            Conn::Sqlite(c) => {
                let n = c
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(params))?;
                Ok(n as u64)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(client) => client.execute(sql, params),
        }
    }

    /// Runs one query; its rows.
    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        match self.conn {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let width = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let row = (0..width)
                        .map(|i| value::from_sqlite(r.get_ref(i)?, i))
                        .collect::<Result<_, DbError>>()?;
                    out.push(Row(row));
                }
                Ok(out)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(client) => client.query(sql, params),
        }
    }

    /// The query's first row, if any.
    pub fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The query's first row; [`DbError::Column`] if it gave none.
    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, DbError> {
        self.query_opt(sql, params)?.ok_or(DbError::Column {
            index: 0,
            wanted: "a row",
        })
    }

    /// Runs statements without parameters (a migration, `BEGIN`).
    pub fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        match self.conn {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            #[cfg(feature = "postgres")]
            Conn::Postgres(client) => client.batch(sql),
        }
    }
}

#[cfg(test)]
mod tests;

/// Fresh PostgreSQL databases for tests, on the server named by the environment variable
/// `HELPCARD_TEST_POSTGRES` (a URL without a database name, such as
/// `postgres://helpcard@127.0.0.1:54329`; `scripts/postgres-cluster` starts a throwaway one).
#[cfg(feature = "postgres")]
pub mod scratch {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The environment variable naming the test server.
    pub const ENV: &str = "HELPCARD_TEST_POSTGRES";

    /// `scripts/postgres-cluster` (Debian's `postgresql`: `initdb` in a temporary directory).
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres-cluster")
    }

    /// `scripts/postgres-cluster ACTION DIR` (`stop`, `pause`, `resume`); true when it succeeded.
    pub fn control(action: &str, dir: &str) -> bool {
        Command::new(script())
            .args([action, dir])
            .status()
            .is_ok_and(|s| s.success())
    }

    /// A throwaway PostgreSQL cluster of its own on a free loopback port, stopped and removed
    /// when dropped (a benchmark's, or a test's that needs other settings than the run's).
    pub struct Cluster {
        /// Its directory (`ca.pem` in it when started with TLS).
        pub dir: String,
        /// Its URL without a database name.
        pub url: String,
    }

    impl Cluster {
        /// Starts one named after `name`; with `tls`, `ssl = on` and a CA of its own.
        ///
        /// # Panics
        /// When the cluster cannot be started (PostgreSQL not installed).
        pub fn start(name: &str, tls: bool) -> Cluster {
            let dir = std::env::temp_dir().join(format!("helpcard-{name}-{}", std::process::id()));
            let dir = dir.to_string_lossy().into_owned();
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port().to_string())
                .unwrap_or_else(|e| panic!("a free port: {e}"));
            let mut args = vec!["start", &dir, &port];
            if tls {
                args.push("--tls");
            }
            let out = Command::new(script())
                .args(&args)
                .output()
                .unwrap_or_else(|e| panic!("postgres-cluster: {e}"));
            assert!(
                out.status.success(),
                "postgres-cluster: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            Cluster { dir, url }
        }
    }

    impl Drop for Cluster {
        fn drop(&mut self) {
            control("stop", &self.dir);
        }
    }

    /// A new, empty database named after `name` (and a counter, so a test may ask twice), and
    /// its URL; `None` when no test server is named.
    ///
    /// # Panics
    /// When the named server cannot be reached or refuses: a test run that named it means it.
    pub fn database(name: &str) -> Option<String> {
        let base = std::env::var(ENV).ok()?;
        Some(database_on(&base, name))
    }

    /// A new, empty database named after `name` on the server at `base` (a URL without a
    /// database name), and its URL.
    ///
    /// # Panics
    /// When the server cannot be reached or refuses.
    pub fn database_on(base: &str, name: &str) -> String {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = base.trim_end_matches('/');
        let db: String = format!(
            "t_{}_{}_{}",
            name,
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(63)
        .collect();
        let mut admin = postgres::Client::connect(&format!("{base}/postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("{ENV}={base}: {e}"));
        // One statement each: CREATE DATABASE cannot run inside a (multi-statement) transaction.
        for sql in [
            format!("DROP DATABASE IF EXISTS {db}"),
            format!("CREATE DATABASE {db}"),
        ] {
            admin
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {}", super::pg::message(&e)));
        }
        format!("{base}/{db}")
    }
}
