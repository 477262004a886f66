//! Titles in the scripts our creators sell in: what the service accepts, the receipt prints
//! (text that comes back out of the PDF, in embedded fonts); what no font has is refused.

mod support;

use std::process::Command;

use encore::domain::order::TenderKind;
use encore::pdf::receipt_pdf;
use encore::service::{Pos, PosError};
use support::AsCreator as _;
use support::{TestClock, TestDb, edit_of, sell};

const PIN: &str = "2468";

/// Demo titles and what the creator renames them to: every script, short enough for one line.
const TITLES: [(&str, &str); 3] = [
    ("5-minute meet & greet", "サイン会 签名 사인회"),
    ("Signed tour poster", "हिन्दी पोस्टर Αφίσα"),
    ("Signed postcard", "Открытка 🎸🎉"),
];

fn rename(pos: &mut Pos, from: &str, to: &str) -> Result<i64, PosError> {
    let mut edit = edit_of(pos, from);
    edit.offer.title = to.into();
    pos.with_pin(PIN, |p, g| p.save_offer(&edit, g))
}

fn receipt_in_every_script(db: &TestDb) -> Vec<u8> {
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    for (from, to) in TITLES {
        rename(&mut pos, from, to).unwrap();
    }
    let items: Vec<(&str, u32)> = TITLES.iter().map(|(_, to)| (*to, 1)).collect();
    let receipt = sell(&mut pos, &items, TenderKind::Card);
    receipt_pdf(&receipt).unwrap()
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

fn run(cmd: &str, path: &std::path::Path) -> String {
    let out = Command::new(cmd).arg(path).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_receipt_embeds_a_font_for_every_script() {
    let db = TestDb::new();
    let pdf = receipt_in_every_script(&db);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let names: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor"))
        .map(|d| {
            let name = d.get(b"FontName").unwrap().as_name().unwrap();
            assert!(
                d.has(b"FontFile2"),
                "{} is not embedded",
                String::from_utf8_lossy(name)
            );
            String::from_utf8_lossy(name).into_owned()
        })
        .collect();
    for font in [
        "NotoSans-Regular",
        "NotoSansDevanagari",
        "DroidSansFallback",
        "NotoEmoji",
    ] {
        assert!(
            names.iter().any(|n| n.contains(font)),
            "no {font} in {names:?}"
        );
    }
}

#[test]
fn every_script_comes_back_out_of_the_pdf_when_poppler_is_installed() {
    if !(tool("pdftotext") && tool("pdffonts")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install poppler-utils"
        );
        eprintln!("skipped: poppler-utils not installed");
        return;
    }
    let db = TestDb::new();
    let path = db.dir.path().join("scripts.pdf");
    std::fs::write(&path, receipt_in_every_script(&db)).unwrap();
    let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "embedded subset with ToUnicode: {line}"
        );
    }
    assert!(fonts.lines().count() >= 2 + 4, "{fonts}");
    let text = run("pdftotext", &path);
    for (_, title) in TITLES {
        assert!(text.contains(title), "missing {title:?} in:\n{text}");
    }
}

#[test]
fn a_title_no_font_can_print_is_refused_naming_the_field() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    // Linear B: in none of the bundled fonts, so it would print as a blank.
    match rename(&mut pos, "Signed postcard", "Postcard \u{10000}") {
        Err(PosError::Invalid(e)) => {
            assert_eq!(e.field, "title");
            assert!(e.rule.contains("U+10000"), "{e}");
        }
        other => panic!("accepted or wrong error: {other:?}"),
    }
    assert!(pos.add_member("Ann \u{10000}", None).is_err());
}
