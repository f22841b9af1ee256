//! Uploaded files are parsed in a worker process of this same binary (`autotrack analysis-worker`), never in the
//! server. The worker limits itself before it reads a byte: address space (`AUTOTRACK_ANALYSIS_MEMORY_MB`), CPU
//! seconds, no core dumps, and death with its parent. Whatever a decoder does with a hostile file (a decompression
//! bomb in any filter chain, a quadratic scan, a crash), the worker dies and the server records a failure.
//!
//! The server side holds an OCR permit for the worker's whole life, kills it at the wall-clock budget and waits for
//! it to exit before the permit goes back. The worker answers one JSON line on stdout.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use super::analysis::{self, Failure, Text};
use super::storage::FileKind;
use crate::app::AppState;
use crate::i18n::Tr;

/// Wall-clock time of one analysis: a minute per page that may need OCR (images: one; PDFs: the OCR page limit).
fn wall_budget(kind: FileKind) -> Duration {
    let pages = if kind == FileKind::Pdf {
        crate::ocr::image_input::MAX_OCR_PAGES as u64
    } else {
        1
    };
    Duration::from_secs(60 * pages)
}

/// Inference threads of a worker: every core but one, which stays with the API.
fn worker_threads() -> usize {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    cores.saturating_sub(1).max(1)
}

/// The most a worker may write on stdout (the text of 50 pages is far less) and on stderr.
const MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;
const MAX_STDERR_BYTES: u64 = 64 * 1024;

fn memory_failure() -> Failure {
    Failure {
        message: Tr::new(
            "The file needs more memory to analyse than this server allows.",
            "L'analyse du fichier demande plus de mémoire que ce serveur n'en accorde.",
        ),
        retry: false,
    }
}

fn unreadable() -> Failure {
    Failure {
        message: Tr::new(
            "The file could not be read (damaged or unsupported).",
            "Le fichier n'a pas pu être lu (endommagé ou non pris en charge).",
        ),
        retry: false,
    }
}

fn worker_unavailable() -> Failure {
    Failure {
        message: Tr::new(
            "Text recognition failed.",
            "La reconnaissance de texte a échoué.",
        ),
        retry: true,
    }
}

/// What a finished worker left behind.
struct Exit {
    status: Option<std::process::ExitStatus>,
    stdout: Vec<u8>,
    stderr: String,
    timed_out: bool,
}

/// Runs the worker with `args` under the OCR gate and the wall-clock `budget`.
async fn run_worker(
    state: &AppState,
    args: Vec<String>,
    budget: Duration,
) -> std::io::Result<Exit> {
    let _permit = state.ocr.gate().await;
    let mut child = tokio::process::Command::new(&state.config.analysis_worker)
        .arg("analysis-worker")
        .args(&args)
        .args(["--parent", &std::process::id().to_string()])
        // Nothing of the server's environment (secrets among it) reaches the process that parses hostile bytes.
        .env_clear()
        // Nor a `.env` file: the worker starts in `/`, with absolute paths.
        .current_dir("/")
        // mimalloc reserves 1 GiB of address space at a time by default, which an address-space limit would
        // spend on nothing; smaller steps leave the limit to real use.
        .env("MIMALLOC_ARENA_RESERVE", "64MiB")
        // Memory freed between the detector's bands and the recogniser's runs goes back to the system at once
        // instead of after mimalloc's 10 ms delay: a dense page peaked at 185 MB with the delay, 127 MB without.
        .env("MIMALLOC_PURGE_DELAY", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let read_out = tokio::spawn(async move {
        let mut buf = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.take(MAX_ANSWER_BYTES).read_to_end(&mut buf).await;
        }
        buf
    });
    let read_err = tokio::spawn(async move {
        let mut buf = Vec::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.take(MAX_STDERR_BYTES).read_to_end(&mut buf).await;
        }
        buf
    });
    let (status, timed_out) = match tokio::time::timeout(budget, child.wait()).await {
        Ok(status) => (Some(status?), false),
        Err(_) => {
            // Kill and reap before the permit goes back: the work has really stopped.
            let _ = child.kill().await;
            (child.try_wait().ok().flatten(), true)
        }
    };
    let stdout = read_out.await.unwrap_or_default();
    let stderr = String::from_utf8_lossy(&read_err.await.unwrap_or_default()).into_owned();
    Ok(Exit {
        status,
        stdout,
        stderr,
        timed_out,
    })
}

/// Extracts the text of a stored file in a worker process.
pub async fn extract_text(
    state: &AppState,
    document_id: i64,
    path: &Path,
    kind: FileKind,
) -> Result<Text, Failure> {
    let budget = wall_budget(kind);
    let threads = worker_threads();
    let mut args = vec![
        absolute(path),
        "--mime".into(),
        kind.mime().into(),
        "--memory-mb".into(),
        state.config.analysis_memory_mb.to_string(),
        "--cpu-seconds".into(),
        (budget.as_secs() * threads as u64).to_string(),
        "--seconds".into(),
        budget.as_secs().to_string(),
        "--threads".into(),
        threads.to_string(),
    ];
    if !state.ocr.enabled() {
        args.push("--no-ocr".into());
    }
    if let Some(dir) = state.ocr.models_dir() {
        args.extend(["--models-dir".into(), absolute(dir)]);
    }
    let started = Instant::now();
    // A few seconds over the worker's own deadline, for its start and its answer.
    let exit = match run_worker(state, args, budget + Duration::from_secs(5)).await {
        Ok(exit) => exit,
        Err(e) => {
            tracing::error!(document_id, error = %e, worker = %state.config.analysis_worker.display(), "the analysis worker could not be started");
            return Err(worker_unavailable());
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let tail: String = exit
        .stderr
        .chars()
        .rev()
        .take(600)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if let Some(answer) = parse_answer(&exit.stdout) {
        if tail.trim().is_empty() {
            tracing::debug!(document_id, seconds, "analysis worker answered");
        } else {
            tracing::warn!(document_id, seconds, stderr = %tail, "analysis worker answered with warnings");
        }
        return answer;
    }
    let signal = exit
        .status
        .and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
    tracing::warn!(document_id, seconds, ?signal, code = ?exit.status.and_then(|s| s.code()), timed_out = exit.timed_out, stderr = %tail, "analysis worker failed");
    const SIGXCPU: i32 = 24;
    if exit.timed_out || signal == Some(SIGXCPU) {
        Err(analysis::too_long())
    } else if exit.stderr.contains("memory allocation of") || exit.stderr.contains("out of memory")
    {
        Err(memory_failure())
    } else {
        Err(unreadable())
    }
}

/// A path for the worker, which runs in `/` (the data and models directories may be given relative).
fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .to_string_lossy()
        .into_owned()
}

fn parse_answer(stdout: &[u8]) -> Option<Result<Text, Failure>> {
    let v: Value = serde_json::from_slice(stdout).ok()?;
    if let Some(f) = v.get("failure") {
        return Some(Err(Failure {
            message: Tr::new(f["en"].as_str()?, f["fr"].as_str()?),
            retry: f["retry"].as_bool()?,
        }));
    }
    let source = match v["source"].as_str()? {
        "text_layer" => "text_layer",
        "ocr" => "ocr",
        "mixed" => "mixed",
        _ => return None,
    };
    Some(Ok(Text {
        text: v["text"].as_str()?.to_owned(),
        source,
        pages: usize::try_from(v["pages"].as_u64()?).ok()?,
        e_invoice: v
            .get("e_invoice")
            .and_then(|e| serde_json::from_value(e.clone()).ok()),
    }))
}

/// Loads the OCR models in a worker (the check of `/api/health/ocr/`): the engine's name, or why not. A success is
/// remembered (the models do not change under a running server); a failure for 30 s.
pub async fn check_models(state: &AppState) -> Result<String, String> {
    match state.ocr.checked_at() {
        Some((_, Ok(engine))) => return Ok(engine),
        Some((at, Err(e))) if at.elapsed() < Duration::from_secs(30) => return Err(e),
        _ => {}
    }
    let mut args = vec![
        "--check-models".into(),
        "--memory-mb".into(),
        state.config.analysis_memory_mb.to_string(),
        "--cpu-seconds".into(),
        "30".into(),
        "--seconds".into(),
        "30".into(),
        "--threads".into(),
        "1".into(),
    ];
    if let Some(dir) = state.ocr.models_dir() {
        args.extend(["--models-dir".into(), absolute(dir)]);
    }
    let result = match run_worker(state, args, Duration::from_secs(30)).await {
        Ok(exit) => match serde_json::from_slice::<Value>(&exit.stdout) {
            Ok(v) if v["engine"].is_string() => {
                Ok(v["engine"].as_str().unwrap_or_default().to_owned())
            }
            Ok(v) => Err(v["error"]
                .as_str()
                .unwrap_or("the models could not be loaded")
                .to_owned()),
            Err(_) => Err("the models could not be loaded".to_owned()),
        },
        Err(e) => Err(format!("the analysis worker could not be started: {e}")),
    };
    state.ocr.set_checked(result.clone());
    result
}

/// The worker's command line (hidden from `--help`: the server runs it, people do not).
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The stored file.
    pub file: Option<PathBuf>,
    /// Its type, as stored.
    #[arg(long)]
    pub mime: Option<String>,
    /// Only load the models and print the engine's name.
    #[arg(long)]
    pub check_models: bool,
    #[arg(long)]
    pub no_ocr: bool,
    #[arg(long)]
    pub models_dir: Option<PathBuf>,
    #[arg(long)]
    pub memory_mb: u64,
    #[arg(long)]
    pub cpu_seconds: u64,
    /// Wall-clock budget the work checks itself between recognitions.
    #[arg(long)]
    pub seconds: u64,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The server's process id: a worker whose parent is already another process exits at once.
    #[arg(long)]
    pub parent: Option<i32>,
}

/// Puts the worker under its limits; nothing hostile has been read yet.
fn confine(args: &WorkerArgs) -> std::io::Result<()> {
    use rustix::process::{Resource, Rlimit, Signal, setrlimit};
    // Dies with the server (a server killed mid-analysis leaves no worker burning CPU). The signal is tied to
    // the thread that spawned the worker, a runtime thread that lives as long as the server. A server that died
    // before this line cannot signal any more: then the parent is no longer the server, and the worker stops.
    rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
    if let Some(server) = args.parent
        && rustix::process::getppid().map(|p| p.as_raw_nonzero().get()) != Some(server)
    {
        return Err(std::io::Error::other(
            "the server that started this worker is gone",
        ));
    }
    let limit = |resource, soft: u64, hard: u64| {
        setrlimit(
            resource,
            Rlimit {
                current: Some(soft),
                maximum: Some(hard),
            },
        )
    };
    let memory = args.memory_mb.saturating_mul(1024 * 1024);
    limit(Resource::As, memory, memory)?;
    // SIGXCPU at the budget, SIGKILL a few seconds later if it is ignored.
    limit(Resource::Cpu, args.cpu_seconds, args.cpu_seconds + 5)?;
    limit(Resource::Core, 0, 0)?;
    Ok(())
}

fn print(value: &Value) -> ExitCode {
    println!("{value}");
    ExitCode::SUCCESS
}

/// `autotrack analysis-worker`: the child side.
pub fn worker_main(args: &WorkerArgs) -> ExitCode {
    if let Err(e) = confine(args) {
        eprintln!("could not apply the worker's limits: {e}");
        return ExitCode::FAILURE;
    }
    crate::telemetry::init("warn", Some(crate::config::LogFormat::Json));
    let load =
        || crate::ocr::Ocr::load(args.models_dir.as_deref()).map(|o| o.with_threads(args.threads));
    if args.check_models {
        return print(&match load() {
            Ok(o) => json!({"engine": o.engine}),
            Err(e) => json!({"error": format!("{e:#}").chars().take(200).collect::<String>()}),
        });
    }
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let kind = args.mime.as_deref().and_then(FileKind::from_mime);
    let (Some(file), Some(kind)) = (args.file.as_deref(), kind) else {
        eprintln!("a file and a known --mime are required");
        return ExitCode::FAILURE;
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("could not read {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let engine = std::cell::OnceCell::new();
    let ocr = || {
        engine
            .get_or_init(|| {
                if args.no_ocr {
                    return None;
                }
                load()
                    .map_err(|e| eprintln!("OCR models could not be loaded: {e:#}"))
                    .ok()
            })
            .as_ref()
    };
    print(&match analysis::extract_text(ocr, &bytes, kind, deadline) {
        Ok(t) => {
            json!({"text": t.text, "source": t.source, "pages": t.pages, "e_invoice": t.e_invoice})
        }
        Err(f) => json!({"failure": {"en": f.message.en, "fr": f.message.fr, "retry": f.retry}}),
    })
}
