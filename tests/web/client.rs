//! A small HTTP client for the hub tests: the hub started in-process on 127.0.0.1 (any free
//! port) or as `encore serve`, paired phones, and server-sent events read on a thread.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use encore::service::Pos;
use encore::web::Server;
use serde_json::{Value, json};

use crate::support::{AsCreator, PIN, TestClock, TestDb};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(20)))
        .build()
        .into()
}

/// A hub to talk to (and, when started here, to stop when the test ends).
pub struct Hub {
    pub url: String,
    agent: ureq::Agent,
    _server: Option<Server>,
}

impl Hub {
    /// The hub over `db` on the test's clock, on a free port of 127.0.0.1, without mDNS.
    pub fn start(db: &TestDb, clock: &TestClock) -> Hub {
        let bind: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = Server::start(&db.path, "K1", clock.clock(), (bind, false)).unwrap();
        Hub {
            url: server.url().to_string(),
            agent: agent(),
            _server: Some(server),
        }
    }

    /// A hub served elsewhere.
    pub fn at(url: &str) -> Hub {
        Hub {
            url: url.to_string(),
            agent: agent(),
            _server: None,
        }
    }

    fn json_of(mut res: ureq::http::Response<ureq::Body>) -> (u16, Value) {
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// GET with an optional station token.
    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.agent.get(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::json_of(req.call().unwrap())
    }

    /// GET a page's text.
    pub fn get_text(&self, path: &str) -> (u16, String) {
        let (status, bytes) = self.get_bytes(path);
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// GET bytes.
    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let mut res = self
            .agent
            .get(format!("{}{path}", self.url))
            .call()
            .unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_to_vec().unwrap_or_default(),
        )
    }

    /// POST JSON with an optional station token.
    pub fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut req = self.agent.post(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::json_of(req.send_json(body).unwrap())
    }

    /// Pairs a phone for helper `name` with a fresh pairing code from the creator.
    pub fn pair(&self, pos: &mut Pos, name: &str) -> Phone<'_> {
        let token = pos.with_pin(PIN, |p, g| p.pairing_token(g)).unwrap().token;
        let (status, paired) =
            self.post("/api/pair", None, json!({ "token": token, "name": name }));
        assert_eq!(status, 200, "{paired}");
        Phone::new(self, paired["token"].as_str().unwrap())
    }

    /// The `data:` of each server-sent event of `path`, as they come.
    pub fn events(&self, path: &str) -> mpsc::Receiver<String> {
        let res = self
            .agent
            .get(format!("{}{path}", self.url))
            .call()
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let (tx, rx) = mpsc::channel();
        let reader = BufReader::new(res.into_body().into_reader());
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if let Some(data) = line.strip_prefix("data:")
                    && tx.send(data.trim().to_string()).is_err()
                {
                    break;
                }
            }
        });
        rx
    }
}

/// A paired phone.
pub struct Phone<'h> {
    hub: &'h Hub,
    pub token: String,
}

impl<'h> Phone<'h> {
    pub fn new(hub: &'h Hub, token: &str) -> Phone<'h> {
        Phone {
            hub,
            token: token.to_string(),
        }
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.hub.get(path, Some(&self.token))
    }

    pub fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.hub.post(path, Some(&self.token), body)
    }
}

/// `encore serve` as a child process on a free port of 127.0.0.1.
pub struct Serve {
    pub url: String,
    child: Child,
}

impl Serve {
    pub fn start(db: &TestDb) -> Serve {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_encore"))
            .arg("--db")
            .arg(&db.path)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--no-mdns",
                "--json",
                "--pin-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PIN}\n").as_bytes());
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let serving: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("{line}"));
        Serve {
            url: serving["url"].as_str().unwrap().to_string(),
            child,
        }
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.stop();
    }
}
