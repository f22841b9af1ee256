//! Lists as every module serves them (README §7): the `List<F>` extractor (page, ordering, search and the
//! module's typed filter `F`), the query-parameter readers filters use, and the `Page<T>` answer. The SQL side is
//! `db::query`.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::http::extract::QueryMap;
use crate::i18n::{Tr, msg};

pub const DEFAULT_PAGE_SIZE: i64 = 20;
pub const MAX_PAGE_SIZE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub page_size: i64,
}

impl Default for PageRequest {
    fn default() -> PageRequest {
        PageRequest {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    /// Reads `page` and `page_size` (clamped to 100) from the query.
    pub fn from_query(query: &HashMap<String, String>) -> AppResult<PageRequest> {
        let page = positive(query, "page")?.unwrap_or(1);
        let page_size = positive(query, "page_size")?
            .map(|n| n.min(MAX_PAGE_SIZE))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Ok(PageRequest { page, page_size })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.page_size)
    }
}

fn positive(query: &HashMap<String, String>, name: &str) -> AppResult<Option<i64>> {
    match query.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            Ok(_) => Err(AppError::field(name, msg::min_value(1))),
            Err(_) => Err(AppError::field(name, msg::invalid_integer())),
        },
    }
}

/// One page of a list (README §7): the total count, the links to the neighbour pages, and the rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// Rows matching the filters, over all pages.
    pub count: i64,
    /// The next page's URL, `null` on the last page.
    pub next: Option<String>,
    /// The previous page's URL, `null` on the first page.
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// The query parameters every list takes (documentation; `List` reads them).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1-based; a page after the last one is 404 `invalid_page`.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Rows per page, 20 by default; larger values count as 100.
    #[param(minimum = 1)]
    pub page_size: Option<i64>,
    /// Comma-separated field names (the operation lists them), `-` first for descending; others are ignored.
    pub ordering: Option<String>,
    /// Words (split on spaces and commas, at most 10), each of which must appear in one of the searched fields.
    pub search: Option<String>,
}

/// The `ordering` parameter, empty when absent.
pub fn ordering(query: &HashMap<String, String>) -> &str {
    query.get("ordering").map_or("", String::as_str)
}

/// The search terms of `search` (split on spaces and commas; at most 10 count).
pub fn search_terms(query: &HashMap<String, String>) -> Vec<String> {
    query
        .get("search")
        .map(|s| {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .take(10)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// What a repo needs to read one page: the page, the requested ordering (`a,-b`, checked by the repo against its
/// allow-list) and the search terms.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub page: PageRequest,
    pub ordering: String,
    pub search: Vec<String>,
}

impl ListQuery {
    pub fn from_query(query: &HashMap<String, String>) -> AppResult<ListQuery> {
        Ok(ListQuery {
            page: PageRequest::from_query(query)?,
            ordering: query.get("ordering").cloned().unwrap_or_default(),
            search: search_terms(query),
        })
    }
}

/// A module's list filters, read from the query string (a bad value is a 400 naming the parameter).
pub trait ListFilter: Sized {
    fn from_query(query: &HashMap<String, String>) -> AppResult<Self>;
}

/// Lists without filters of their own.
impl ListFilter for () {
    fn from_query(_: &HashMap<String, String>) -> AppResult<()> {
        Ok(())
    }
}

/// A list request: the page, ordering and search, the module's typed filter `F`, and what the page links need.
pub struct List<F> {
    pub query: ListQuery,
    pub filter: F,
    links: Links,
}

/// The request's public URL and query string, kept in the `next`/`previous` links.
struct Links {
    base: String,
    path: String,
    query: HashMap<String, String>,
}

impl<F: ListFilter> FromRequestParts<AppState> for List<F> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let QueryMap(query) = QueryMap::from_request_parts(parts, state).await?;
        // The path as the client sent it (before the trailing slash was trimmed for routing).
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path(), |uri| uri.0.path())
            .to_owned();
        Ok(List {
            query: ListQuery::from_query(&query)?,
            filter: F::from_query(&query)?,
            links: Links {
                base: state.public_url.clone(),
                path,
                query,
            },
        })
    }
}

impl<F> List<F> {
    /// The page for `count` matching rows, of which `results` are this page's.
    pub fn page<T>(&self, count: i64, results: Vec<T>) -> AppResult<Page<T>> {
        let l = &self.links;
        page(count, results, self.query.page, &l.base, &l.path, &l.query)
    }
}

/// A page. `base` is the public URL, `path` and `query` those of the request (kept in the links). A page after
/// the last one is 404 `invalid_page`; page 1 of an empty list is fine.
pub fn page<T>(
    count: i64,
    results: Vec<T>,
    page: PageRequest,
    base: &str,
    path: &str,
    query: &HashMap<String, String>,
) -> AppResult<Page<T>> {
    let last_page = if count == 0 {
        1
    } else {
        (count + page.page_size - 1) / page.page_size
    };
    if page.page > last_page {
        return Err(AppError::invalid_page());
    }
    let link = |n: i64| -> String {
        let mut pairs: Vec<(&str, &str)> = query
            .iter()
            .filter(|(k, _)| k.as_str() != "page")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.sort();
        let n = n.to_string();
        pairs.push(("page", &n));
        let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{base}{path}?{qs}")
    };
    Ok(Page {
        count,
        next: (page.page < last_page).then(|| link(page.page + 1)),
        previous: (page.page > 1).then(|| link(page.page - 1)),
        results,
    })
}

/// A text query parameter (trimmed, non-empty).
pub fn text_param(query: &HashMap<String, String>, name: &str) -> Option<String> {
    query
        .get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A boolean query parameter: `true/false/1/0`, any case.
pub fn bool_param(query: &HashMap<String, String>, name: &str) -> AppResult<Option<bool>> {
    match query.get(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if v == "true" || v == "1" => Ok(Some(true)),
        Some(v) if v == "false" || v == "0" => Ok(Some(false)),
        Some(_) => Err(AppError::field(name, msg::invalid_boolean())),
    }
}

/// An enum query parameter that must be one of `choices`.
pub fn choice_param(
    query: &HashMap<String, String>,
    name: &str,
    choices: &[&str],
) -> AppResult<Option<String>> {
    match query.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) if choices.contains(&v) => Ok(Some(v.to_owned())),
        Some(v) => Err(AppError::field(name, msg::invalid_choice(v))),
    }
}

/// An id query parameter.
pub fn id_param(query: &HashMap<String, String>, name: &str) -> AppResult<Option<i64>> {
    match query.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field(name, msg::invalid_integer())),
    }
}

/// A `limit` query parameter between 1 and 100, `default` when absent.
pub fn limit_param(query: &HashMap<String, String>, name: &str, default: i64) -> AppResult<i64> {
    match text_param(query, name) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                AppError::field(
                    name,
                    Tr::new(
                        "Ensure this value is between 1 and 100.",
                        "Assurez-vous que cette valeur est comprise entre 1 et 100.",
                    ),
                )
            }),
    }
}

/// Message for an id in a body that names no visible object ("Vehicle not found.").
pub fn not_found_reference(en_name: &str, fr_name: &str) -> Tr {
    Tr::new(
        format!("{en_name} not found."),
        format!("{fr_name} introuvable."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The page as clients read it.
    fn envelope(
        count: i64,
        results: Vec<Value>,
        request: PageRequest,
        base: &str,
        path: &str,
        query: &HashMap<String, String>,
    ) -> AppResult<Value> {
        page(count, results, request, base, path, query)
            .map(|p| serde_json::to_value(p).unwrap_or_default())
    }
    use crate::db::query::{order_by, order_by_with, search_clause};

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn page_parameters() {
        assert_eq!(
            PageRequest::from_query(&q(&[])).unwrap(),
            PageRequest {
                page: 1,
                page_size: 20
            }
        );
        assert_eq!(
            PageRequest::from_query(&q(&[("page_size", "500")]))
                .unwrap()
                .page_size,
            100
        );
        assert!(PageRequest::from_query(&q(&[("page", "0")])).is_err());
        assert!(PageRequest::from_query(&q(&[("page", "x")])).is_err());
        assert!(PageRequest::from_query(&q(&[("page_size", "-3")])).is_err());
    }

    #[test]
    fn envelope_links_and_bounds() {
        let query = q(&[("page", "2"), ("page_size", "10"), ("search", "a b")]);
        let page = PageRequest::from_query(&query).unwrap();
        let v = envelope(25, vec![], page, "http://h", "/api/x/", &query).unwrap();
        assert_eq!(v["next"], "http://h/api/x/?page_size=10&search=a+b&page=3");
        assert_eq!(
            v["previous"],
            "http://h/api/x/?page_size=10&search=a+b&page=1"
        );
        let past = PageRequest {
            page: 4,
            page_size: 10,
        };
        assert_eq!(
            envelope(25, vec![], past, "", "/", &query)
                .unwrap_err()
                .code,
            "invalid_page"
        );
        let empty = PageRequest {
            page: 1,
            page_size: 10,
        };
        assert_eq!(
            envelope(0, vec![], empty, "", "/", &query).unwrap()["next"],
            Value::Null
        );
    }

    #[test]
    fn ordering_is_allow_listed() {
        let allowed = [("year", "year"), ("make", "make")];
        assert_eq!(
            order_by(
                ordering(&q(&[("ordering", "-year,make,bogus")])),
                &allowed,
                "created_at DESC"
            ),
            "year DESC, make ASC, id ASC"
        );
        assert_eq!(
            order_by(
                ordering(&q(&[("ordering", "-year")])),
                &allowed,
                "created_at DESC"
            ),
            "year DESC, id DESC"
        );
        assert_eq!(
            order_by(
                ordering(&q(&[("ordering", "password")])),
                &allowed,
                "created_at DESC"
            ),
            "created_at DESC, id DESC"
        );
    }

    #[test]
    fn search_terms_are_anded_and_escaped() {
        let (sql, params) = search_clause(
            &search_terms(&q(&[("search", "50%, clio")])),
            &["make", "model"],
        )
        .unwrap();
        assert_eq!(
            sql,
            "(make LIKE ? ESCAPE '\\' OR model LIKE ? ESCAPE '\\') AND (make LIKE ? ESCAPE '\\' OR model LIKE ? ESCAPE '\\')"
        );
        assert_eq!(params[0], "%50\\%%");
        assert!(search_clause(&search_terms(&q(&[("search", " ")])), &["make"]).is_none());
    }

    use proptest::prelude::*;

    /// Query values as clients and attackers send them: numbers of every size and sign, padding, junk.
    fn query_value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            (-5i64..300).prop_map(|n| n.to_string()),
            "[ +-]?[0-9]{0,25}[ ]?",
            "[0-9a-z_ ,.+-]{0,20}",
            any::<String>(),
        ]
    }

    fn query_map() -> impl Strategy<Value = HashMap<String, String>> {
        let key = prop_oneof![
            Just("page".to_owned()),
            Just("page_size".to_owned()),
            Just("ordering".to_owned()),
            Just("search".to_owned()),
            any::<String>(),
        ];
        proptest::collection::hash_map(key, query_value(), 0..6)
    }

    /// README §7 for one parameter: absent or blank → default; an integer ≥ 1 → it; anything else → error.
    fn expected_positive(query: &HashMap<String, String>, name: &str) -> Result<Option<i64>, ()> {
        match query.get(name).map(|v| v.trim()) {
            None | Some("") => Ok(None),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 1 => Ok(Some(n)),
                _ => Err(()),
            },
        }
    }

    const ALLOWED: [(&str, &str); 4] = [
        ("year", "v.year"),
        ("make", "lower(v.make)"),
        ("created_at", "v.created_at"),
        ("cost", "m.cost_cents"),
    ];

    proptest! {
        #[test]
        fn prop_page_parameters_follow_the_contract(query in query_map()) {
            let got = PageRequest::from_query(&query);
            let page = expected_positive(&query, "page");
            let size = expected_positive(&query, "page_size");
            match (page, size) {
                (Ok(p), Ok(s)) => {
                    let got = got.unwrap();
                    prop_assert_eq!(got.page, p.unwrap_or(1));
                    prop_assert_eq!(got.page_size, s.map_or(DEFAULT_PAGE_SIZE, |s| s.min(MAX_PAGE_SIZE)));
                    prop_assert!((1..=MAX_PAGE_SIZE).contains(&got.page_size));
                    prop_assert!(got.offset() >= 0);
                }
                _ => {
                    let err = got.unwrap_err();
                    prop_assert_eq!(err.code, "validation_error");
                    let errors = err.errors.unwrap();
                    prop_assert!(errors.contains_key("page") || errors.contains_key("page_size"));
                }
            }
        }

        /// Whatever `ordering` holds, the clause is made of allow-listed columns, the default and the id only,
        /// one key per distinct known requested field, ending with the id tie-breaker.
        #[test]
        fn prop_ordering_only_uses_allow_listed_columns(
            mut query in query_map(),
            ordering in prop_oneof![
                any::<String>(),
                proptest::collection::vec(
                    prop_oneof![
                        Just("year"), Just("-make"), Just(" -cost "), Just("created_at"), Just("password"),
                        Just("year; DROP TABLE users"), Just("-"), Just(""), Just("(select 1)"), Just("id"),
                    ],
                    0..6,
                ).prop_map(|keys| keys.join(",")),
            ],
            default in prop_oneof![Just(""), Just("v.created_at DESC")],
        ) {
            query.insert("ordering".into(), ordering.clone());
            let sql = order_by_with(super::ordering(&query), &ALLOWED, default, "v.id");
            let keys: Vec<&str> = sql.split(", ").collect();
            let (last, rest) = keys.split_last().unwrap();
            prop_assert!(*last == "v.id ASC" || *last == "v.id DESC", "{}", sql);
            // A column requested twice counts once.
            let known = ordering
                .split(',')
                .filter_map(|k| {
                    let k = k.trim();
                    ALLOWED.iter().find(|(api, _)| *api == k.strip_prefix('-').unwrap_or(k)).map(|(_, col)| *col)
                })
                .collect::<std::collections::HashSet<_>>()
                .len();
            for key in rest {
                let fine = ALLOWED
                    .iter()
                    .any(|(_, col)| *key == format!("{col} ASC") || *key == format!("{col} DESC"))
                    || (known == 0 && *key == default);
                prop_assert!(fine, "{:?} in {:?}", key, sql);
            }
            prop_assert_eq!(rest.len(), if known == 0 { usize::from(!default.is_empty()) } else { known });
        }

        /// The search clause: one group per term (at most 10), one parameter per term and column, the SQL made of
        /// the column names only, every parameter a `%…%` pattern whose LIKE wildcards are escaped.
        #[test]
        fn prop_search_is_parameterised(
            search in prop_oneof![any::<String>(), "[a-z%_\\\\', ]{0,40}"],
            columns in proptest::sample::subsequence(vec!["make", "model", "v.license_plate", "vin"], 0..=4),
        ) {
            let query = HashMap::from([("search".to_owned(), search.clone())]);
            let terms: Vec<&str> = search
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .collect();
            let Some((sql, params)) = search_clause(&search_terms(&query), &columns) else {
                prop_assert!(terms.is_empty() || columns.is_empty());
                return Ok(());
            };
            let used = &terms[..terms.len().min(10)];
            prop_assert_eq!(params.len(), used.len() * columns.len());
            prop_assert_eq!(sql.matches('?').count(), params.len());
            let group = format!(
                "({})",
                columns.iter().map(|c| format!("{c} LIKE ? ESCAPE '\\'")).collect::<Vec<_>>().join(" OR ")
            );
            prop_assert_eq!(sql, vec![group; used.len()].join(" AND "));
            for (k, param) in params.iter().enumerate() {
                let inner = param.strip_prefix('%').and_then(|p| p.strip_suffix('%'));
                prop_assert!(inner.is_some(), "{:?}", param);
                // Un-escape: every %, _ and \ of the term must have come escaped.
                let mut term = String::new();
                let mut chars = inner.unwrap_or_default().chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => term.push(chars.next().unwrap_or('!')),
                        '%' | '_' => {
                            return Err(TestCaseError::fail(format!("unescaped wildcard in {param:?}")));
                        }
                        c => term.push(c),
                    }
                }
                prop_assert_eq!(term.as_str(), used[k / columns.len()]);
            }
        }

        /// Links: `next` exactly when a later page exists, `previous` from page 2, a page past the end is 404.
        #[test]
        fn prop_envelope_links(count in 0i64..10_000, page in 1i64..200, page_size in 1i64..=100) {
            let query = HashMap::from([("page".to_owned(), page.to_string()), ("search".to_owned(), "a&b".to_owned())]);
            let req = PageRequest { page, page_size };
            let last = ((count + page_size - 1) / page_size).max(1);
            match envelope(count, vec![], req, "http://h", "/api/x/", &query) {
                Ok(v) => {
                    prop_assert!(page <= last);
                    prop_assert_eq!(v["next"].is_string(), page < last);
                    prop_assert_eq!(v["previous"].is_string(), page > 1);
                    if let Some(next) = v["next"].as_str() {
                        let expected = format!("http://h/api/x/?search=a%26b&page={}", page + 1);
                        prop_assert_eq!(next, expected.as_str());
                    }
                }
                Err(e) => {
                    prop_assert!(page > last);
                    prop_assert_eq!(e.code, "invalid_page");
                }
            }
        }
    }

    #[test]
    fn booleans() {
        assert_eq!(bool_param(&q(&[("x", "TRUE")]), "x").unwrap(), Some(true));
        assert_eq!(bool_param(&q(&[("x", "0")]), "x").unwrap(), Some(false));
        assert!(bool_param(&q(&[("x", "yes")]), "x").is_err());
    }
}
