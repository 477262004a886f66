//! The table's network in a real browser: Debian's headless chromium driven over WebDriver.
//! A phone-sized window pairs and sells a gig by QR, a second paired phone calls the next fan,
//! and the fan's page (open on a third phone) turns to "your turn" without a reload.
//! Screenshots are kept in target/tmp/browser/ to look at.

mod support;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use encore::web::Server;
use fantoccini::{Client, ClientBuilder, Locator};
use support::{AsCreator, PIN, TestClock, TestDb};

/// chromedriver on a free port, stopped when the test ends.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// chromedriver, or None when chromium or its driver is not installed (CI installs both
    /// and refuses to skip).
    fn start() -> Option<Driver> {
        let found = |bin: &str| {
            Command::new(bin)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok()
        };
        if !found("chromedriver") || !found("chromium") {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the browser test: install chromium and chromium-driver"
            );
            eprintln!(
                "skipping the browser test: chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            // Under the moved clock of the second CI pass the browser keeps the real one: the
            // pages compare no dates, and chromium does not run under libfaketime.
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Some(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// A new phone-sized browser with its own profile (its own cookies).
    async fn phone(&self, profile: &std::path::Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=390,844", format!("--user-data-dir={}", profile.display()),
            ] }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        for _ in 0..50 {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&self.url)
                .await
            {
                Ok(client) => return client,
                // chromedriver takes a moment to listen.
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        panic!("chromedriver did not start a browser");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn shots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

async fn pair(c: &Client, hub: &str, token: &str, name: &str) {
    c.goto(&format!("{hub}/pair/{token}")).await.unwrap();
    c.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let who = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#who"))
        .await
        .unwrap();
    for _ in 0..50 {
        if who.text().await.unwrap().contains(name) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name}'s phone did not sign in");
}

async fn visible_text(c: &Client, css: &str, wanted: &str) -> String {
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            let text = e.text().await.unwrap_or_default();
            if text.contains(wanted) {
                return text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {wanted:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sells_by_qr_another_calls_the_fan_and_the_fans_page_turns_without_a_reload() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let bind = "127.0.0.1:0".parse().unwrap();
    let server = Server::start(&db.path, "K1", clock.clock(), (bind, false)).unwrap();
    let hub = server.url().to_string();
    let mut token = || pos.with_pin(PIN, |p, g| p.pairing_token(g)).unwrap().token;
    let (sam_token, kim_token) = (token(), token());
    let profiles = tempfile::tempdir().unwrap();

    let sam = driver.phone(&profiles.path().join("sam")).await;
    pair(&sam, &hub, &sam_token, "Sam").await;
    visible_text(&sam, "#shelf", "60-second shoutout").await;
    shot(&sam, "1-sell").await;
    let tile = sam
        .find(Locator::XPath(
            "//button[contains(., '60-second shoutout')]",
        ))
        .await
        .unwrap();
    tile.click().await.unwrap();
    sam.find(Locator::Css("#pay-qr"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    sam.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#qr svg"))
        .await
        .unwrap();
    visible_text(&sam, "#due", "Due €5.00").await;
    shot(&sam, "2-pay-by-qr").await;
    sam.find(Locator::Css("#paid"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = visible_text(&sam, "#done-text", "Receipt P1-000001").await;
    assert!(done.contains("ticket A-001"), "{done}");
    shot(&sam, "3-paid").await;
    let fan_url = visible_text(&sam, "#done-fan", "/fan/").await;
    let fan_url = fan_url
        .lines()
        .find(|l| l.contains("/fan/"))
        .unwrap()
        .trim()
        .to_string();

    let fan = driver.phone(&profiles.path().join("fan")).await;
    fan.goto(&fan_url).await.unwrap();
    visible_text(&fan, "#tickets", "You're next").await;
    shot(&fan, "4-fan-next").await;

    let kim = driver.phone(&profiles.path().join("kim")).await;
    pair(&kim, &hub, &kim_token, "Kim").await;
    kim.find(Locator::Css("#tab-queue"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let call = kim
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("button[data-lane='A']"))
        .await
        .unwrap();
    visible_text(&kim, "#lanes", "Waiting: 1").await;
    call.click().await.unwrap();
    visible_text(&kim, "#queue-msg", "A-001 called").await;
    shot(&kim, "5-queue-called").await;

    // The fan's page was not reloaded: the same document turns to "your turn".
    let turn = visible_text(&fan, "#tickets", "Your turn at lane A").await;
    assert!(turn.contains("A-001"), "{turn}");
    assert_eq!(fan.current_url().await.unwrap().as_str(), fan_url);
    shot(&fan, "6-fan-your-turn").await;

    // Redeem on Sam's phone: a code typed as a keyboard scanner would.
    let receipt = support::sell(
        &mut pos,
        &[("Signed tour poster", 1)],
        encore::domain::order::TenderKind::Cash,
    );
    sam.find(Locator::Css("#tab-redeem"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let code = receipt.claims[0].code.clone();
    sam.find(Locator::Css("#code"))
        .await
        .unwrap()
        .send_keys(&format!("{code}\n"))
        .await
        .unwrap();
    visible_text(&sam, "#redeem-msg", "hand it over").await;
    sam.find(Locator::Css("#handover"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    visible_text(&sam, "#redeem-msg", "Signed tour poster handed over").await;
    shot(&sam, "7-redeemed").await;

    // The hub goes away: the phone says so within two seconds.
    drop(server);
    visible_text(&sam, "#link", "hub unreachable").await;
    shot(&sam, "8-hub-gone").await;
    for c in [sam, fan, kim] {
        let _ = c.close().await;
    }
}
