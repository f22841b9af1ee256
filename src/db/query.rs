//! The SQL builder of list queries: `WHERE` conditions with their parameters, search over columns, `ORDER BY` from
//! an allow-list, and one page with its count. Only repos use it; they build the conditions from their module's
//! typed filter.

/// A growing SQL `WHERE` with its parameters, for list filters and search.
#[derive(Default)]
pub struct Where {
    clauses: Vec<String>,
    pub params: Vec<rusqlite::types::Value>,
}

impl Where {
    pub fn new(first: &str, value: impl Into<rusqlite::types::Value>) -> Where {
        let mut w = Where::default();
        w.push(first, value);
        w
    }

    /// Adds `clause` (with one `?`) and its value.
    pub fn push(&mut self, clause: &str, value: impl Into<rusqlite::types::Value>) {
        self.clauses.push(clause.to_owned());
        self.params.push(value.into());
    }

    /// Adds the `search` clause over `columns`, when there are terms.
    pub fn search(&mut self, terms: &[String], columns: &[&str]) {
        if let Some((sql, params)) = search_clause(terms, columns) {
            self.clauses.push(sql);
            self.params
                .extend(params.into_iter().map(rusqlite::types::Value::from));
        }
    }

    /// The filter's parameters followed by `LIMIT ? OFFSET ?` values.
    pub fn page_params(&self, limit: i64, offset: i64) -> Vec<rusqlite::types::Value> {
        let mut all = self.params.clone();
        all.extend([limit.into(), offset.into()]);
        all
    }

    /// How many conditions the filter holds.
    pub fn conditions(&self) -> usize {
        self.clauses.len()
    }

    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

/// One page of rows for a list endpoint: `count(*)` over `from` and `select … ORDER BY … LIMIT … OFFSET …`, both
/// under the same filter. `select` is `SELECT <columns> FROM <tables>`.
pub fn fetch_page<T>(
    conn: &rusqlite::Connection,
    select: &str,
    from: &str,
    filter: &Where,
    order: &str,
    (limit, offset): (i64, i64),
    map: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<(i64, Vec<T>)> {
    let w = filter.sql();
    // Cached statements: the SQL text depends on the filter and order only (the page is bound as parameters).
    let count = conn
        .prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {w}"))?
        .query_row(rusqlite::params_from_iter(filter.params.iter()), |r| {
            r.get(0)
        })?;
    let mut stmt = conn.prepare_cached(&format!(
        "{select} WHERE {w} ORDER BY {order} LIMIT ? OFFSET ?"
    ))?;
    let rows = stmt
        .query_map(
            rusqlite::params_from_iter(filter.page_params(limit, offset)),
            map,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((count, rows))
}

/// `ORDER BY` from `ordering=a,-b`, limited to `allowed` (API name → SQL column); unknown fields are ignored.
/// The final `id DESC` tie-breaker keeps pages stable.
pub fn order_by(ordering: &str, allowed: &[(&str, &str)], default: &str) -> String {
    order_by_with(ordering, allowed, default, "id")
}

/// `order_by` for queries where the id column needs a table prefix.
pub fn order_by_with(
    ordering: &str,
    allowed: &[(&str, &str)],
    default: &str,
    id_col: &str,
) -> String {
    // A column counts once (its first mention decides, as later ones could not change the order), so no
    // ordering value can grow the ORDER BY past the allow-list, whatever its length.
    let mut seen: Vec<&str> = Vec::new();
    let mut keys: Vec<String> = ordering
        .split(',')
        .filter_map(|raw| {
            let raw = raw.trim();
            let (desc, name) = match raw.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, raw),
            };
            let (_, col) = allowed.iter().find(|(api, _)| *api == name)?;
            if seen.contains(col) {
                return None;
            }
            seen.push(col);
            Some(format!("{col} {}", if desc { "DESC" } else { "ASC" }))
        })
        .collect();
    if keys.is_empty() && !default.is_empty() {
        keys.push(default.to_owned());
    }
    // Ties break on the id in the direction of the last key, so that one (key, id) index can serve the order.
    let dir = if keys.last().is_some_and(|k| k.ends_with(" ASC")) {
        "ASC"
    } else {
        "DESC"
    };
    keys.push(format!("{id_col} {dir}"));
    keys.join(", ")
}

/// A `search` clause: every term must match at least one column, case-insensitively. Returns the SQL condition
/// and its parameters; `None` when there is no term.
pub fn search_clause(terms: &[String], columns: &[&str]) -> Option<(String, Vec<String>)> {
    if terms.is_empty() || columns.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut params = Vec::new();
    for term in terms {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let any: Vec<String> = columns
            .iter()
            .map(|c| format!("{c} LIKE ? ESCAPE '\\'"))
            .collect();
        for _ in columns {
            params.push(format!("%{escaped}%"));
        }
        parts.push(format!("({})", any.join(" OR ")));
    }
    Some((parts.join(" AND "), params))
}
