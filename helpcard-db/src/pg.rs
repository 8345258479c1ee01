//! PostgreSQL (cargo feature `postgres`): connections over TLS, statements prepared once per
//! connection with `?N` written `$N`, values both ways, and its errors told apart (unreachable,
//! busy, refused). The key service enables it; the kiosk and the office's CLI, which keep their
//! SQLite files, are built without it and link no PostgreSQL client.

use std::collections::HashMap;
use std::path::Path;

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::{Conn, DbError, Row, Value};

/// How long connecting may take before the database counts as unreachable.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A connected client and the statements it prepared, by their SQL as written (one round trip
/// each instead of two).
pub(crate) struct Client {
    client: Box<postgres::Client>,
    prepared: HashMap<String, postgres::Statement>,
}

/// How to connect: the parsed URL and the TLS client.
pub(crate) struct Source {
    config: postgres::Config,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
}

impl Source {
    /// `url` parsed, with a connect timeout, and the TLS client checking against `ca`.
    pub(crate) fn new(url: &str, ca: Option<&Path>) -> Result<Source, DbError> {
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            DbError::Url(format!(
                "{e} (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"
            ))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("helpcard");
        Ok(Source {
            config,
            tls: tls(ca)?,
        })
    }

    /// A new connection, over TLS as the URL's `sslmode` says: `prefer` (the default) uses TLS
    /// when the server offers it, `require` refuses a server without it, `disable` never asks.
    /// When TLS is used the server's certificate and name are always checked (rustls has no
    /// unchecked mode).
    pub(crate) fn connect(&self) -> Result<Conn, DbError> {
        let client = self
            .config
            .connect(self.tls.clone())
            .map_err(|e| DbError::Unavailable(message(&e)))?;
        Ok(Conn::Postgres(Client {
            client: Box::new(client),
            prepared: HashMap::new(),
        }))
    }
}

impl Client {
    /// The connection closed (the server went away): not to be used again.
    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    pub(crate) fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        let result = self.client.execute(&stmt, &refs(params));
        result.map_err(|e| self.error(e))
    }

    pub(crate) fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let result = self.client.query(&stmt, &refs(params));
        let rows = result.map_err(|e| self.error(e))?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| from_postgres(r, i))
                    .collect::<Result<_, _>>()
                    .map(Row)
            })
            .collect()
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        let result = self.client.batch_execute(sql);
        result.map_err(|e| self.error(e))
    }

    /// The prepared statement for `sql` (prepared once per connection).
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let result = self.client.prepare(&dollar_params(sql));
        let stmt = result.map_err(|e| self.error(e))?;
        self.prepared.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// A PostgreSQL error: unavailable when the connection closed or the server is shutting
    /// down, starting up or unreachable (SQLSTATE classes 08 and 57P).
    fn error(&self, e: postgres::Error) -> DbError {
        let code = e.code().map(|c| c.code().to_owned()).unwrap_or_default();
        if self.client.is_closed()
            || e.is_closed()
            || code.starts_with("08")
            || code.starts_with("57P")
        {
            DbError::Unavailable(message(&e))
        } else {
            DbError::Postgres(e)
        }
    }
}

/// True for a PostgreSQL lock or serialization conflict (worth trying again shortly).
pub(crate) fn is_busy(e: &postgres::Error) -> bool {
    e.code()
        .is_some_and(|c| matches!(c.code(), "55P03" | "40001" | "40P01"))
}

/// The TLS client: the CA certificates in `ca`, else Mozilla's roots.
fn tls(ca: Option<&Path>) -> Result<tokio_postgres_rustls::MakeRustlsConnect, DbError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(path) => {
            let named = |e: &dyn std::fmt::Display| {
                DbError::Url(format!("CA file {}: {e}", path.display()))
            };
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| named(&e))? {
                roots
                    .add(cert.map_err(|e| named(&e))?)
                    .map_err(|e| named(&e))?;
            }
            if roots.is_empty() {
                return Err(named(&"no certificate in the file"));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::Url(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Runs blocking database work from wherever it is called: inside the key service's async
/// handlers (a multi-threaded tokio runtime), the worker thread is handed over first, because
/// the blocking PostgreSQL client drives its own runtime and may not run inside another.
pub(crate) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

fn refs(params: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// `?1` → `$1`, outside quoted strings.
pub(crate) fn dollar_params(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '?' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A PostgreSQL error's words: the server's message and SQLSTATE when it sent one (the
/// error's own Display says only "db error").
pub(crate) fn message(e: &postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => format!("{} ({})", db.message(), db.code().code()),
        (None, Some(source)) => format!("{e}: {source}"),
        (None, None) => e.to_string(),
    }
}

/// A PostgreSQL column as a [`Value`], by its type.
fn from_postgres(row: &postgres::Row, index: usize) -> Result<Value, DbError> {
    let ty = row.columns()[index].type_().clone();
    let get_err = |_| DbError::Column {
        index,
        wanted: "a value of its declared type",
    };
    Ok(match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(index)
            .map_err(get_err)?
            .into(),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)
            .map_err(get_err)?
            .map(i64::from)
            .into(),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)
            .map_err(get_err)?
            .map(i64::from)
            .into(),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)
            .map_err(get_err)?
            .into(),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => row
            .try_get::<_, Option<String>>(index)
            .map_err(get_err)?
            .into(),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(index)
            .map_err(get_err)?
            .into(),
        _ => {
            return Err(DbError::Column {
                index,
                wanted: "BIGINT, INTEGER, BOOLEAN, TEXT or BYTEA",
            });
        }
    })
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::BOOL
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::BYTEA
        )
    }

    to_sql_checked!();
}
