//! The PDF receipt: every claim QR decodes back to its code; the text is all there; and, where
//! the tools are installed, qpdf, pdffonts, pdftotext and zbarimg agree.

mod support;

use std::process::Command;

use encore::domain::claim::grouped;
use encore::domain::order::{Receipt, TenderKind};
use encore::pdf::receipt_pdf;
use support::{TestClock, TestDb, sell};

fn sample_receipt(db: &TestDb) -> Receipt {
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let items = [
        ("5-minute meet & greet", 1),
        ("Signed tour poster", 2),
        ("Signed postcard", 3),
    ];
    sell(&mut pos, &items, TenderKind::Qr)
}

/// The filled rectangles of the page in page points `(x, y, w, h)`, with `q`/`Q`/`cm` applied.
fn filled_rects(pdf: &[u8]) -> Vec<(f32, f32, f32, f32)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let num = |o: &lopdf::Object| match o {
        lopdf::Object::Real(f) => *f,
        lopdf::Object::Integer(i) => *i as f32,
        _ => f32::NAN,
    };
    let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let (mut ctm, mut stack): ([f32; 6], Vec<[f32; 6]>) = (identity, Vec::new());
    let apply =
        |m: &[f32; 6], x: f32, y: f32| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
    let mut rects = Vec::new();
    for op in &content.operations {
        let n: Vec<f32> = op.operands.iter().map(num).collect();
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap(),
            "cm" => {
                let m = [n[0], n[1], n[2], n[3], n[4], n[5]];
                ctm = [
                    m[0] * ctm[0] + m[1] * ctm[2],
                    m[0] * ctm[1] + m[1] * ctm[3],
                    m[2] * ctm[0] + m[3] * ctm[2],
                    m[2] * ctm[1] + m[3] * ctm[3],
                    m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
                    m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
                ];
            }
            "re" => {
                let (x0, y0) = apply(&ctm, n[0], n[1]);
                let (x1, y1) = apply(&ctm, n[0] + n[2], n[1] + n[3]);
                rects.push((x0.min(x1), y0.min(y1), (x1 - x0).abs(), (y1 - y0).abs()));
            }
            _ => {}
        }
    }
    rects
}

/// Rasterises the rectangles at `scale` pixels per point and decodes every QR code with rqrr.
fn decode_qr_codes(rects: &[(f32, f32, f32, f32)], scale: f32) -> Vec<String> {
    let max_x = rects.iter().map(|r| r.0 + r.2).fold(0.0, f32::max) + 20.0;
    let max_y = rects.iter().map(|r| r.1 + r.3).fold(0.0, f32::max) + 20.0;
    let (w, h) = ((max_x * scale) as usize, (max_y * scale) as usize);
    let mut pixels = vec![255u8; w * h];
    for &(x, y, rw, rh) in rects {
        let (x0, x1) = (
            (x * scale).round() as usize,
            ((x + rw) * scale).round() as usize,
        );
        // PDF y grows upward; image rows grow downward.
        let (y0, y1) = (
            ((max_y - y - rh) * scale).round() as usize,
            ((max_y - y) * scale).round() as usize,
        );
        for row in y0..y1.min(h) {
            pixels[row * w + x0..(row * w + x1).min(row * w + w)].fill(0);
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    img.detect_grids()
        .iter()
        .map(|g| g.decode().unwrap().1)
        .collect()
}

#[test]
fn every_claim_qr_decodes_back_to_its_code() {
    let db = TestDb::new();
    let receipt = sample_receipt(&db);
    assert_eq!(
        receipt.claims.len(),
        2,
        "one per gig unit, one per drop line (for all its units), none for items"
    );
    let pdf = receipt_pdf(&receipt).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // Three QR codes and two subset fonts; a full embedded font alone would be over 200 KB.
    assert!(pdf.len() < 24_000, "receipt is {} bytes", pdf.len());
    let mut decoded = decode_qr_codes(&filled_rects(&pdf), 3.0);
    let mut expected: Vec<String> = receipt.claims.iter().map(|c| c.code.clone()).collect();
    decoded.sort();
    expected.sort();
    assert_eq!(decoded, expected);
}

#[test]
fn the_stored_receipt_equals_the_one_returned_by_the_sale() {
    let db = TestDb::new();
    let sold = sample_receipt(&db);
    let pos = db.demo_pos(&TestClock::new());
    assert_eq!(pos.receipt(&sold.number).unwrap(), sold);
    assert_eq!(pos.latest_receipt().unwrap(), sold);
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

#[test]
fn outside_tools_agree_when_installed() {
    if !(tool("qpdf") && tool("pdftotext") && tool("pdffonts")) {
        // CI installs them (.ci/run), so there a missing tool is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install qpdf and poppler-utils"
        );
        eprintln!("skipped: qpdf/poppler-utils not installed");
        return;
    }
    let db = TestDb::new();
    let receipt = sample_receipt(&db);
    let path = db.dir.path().join("r.pdf");
    std::fs::write(&path, receipt_pdf(&receipt).unwrap()).unwrap();
    let run = |cmd: &str, args: &[&str]| {
        let out = Command::new(cmd).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{cmd} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let p = path.to_str().unwrap();
    run("qpdf", &["--check", p]);
    let fonts = run("pdffonts", &[p]);
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "embedded subset with ToUnicode: {line}"
        );
    }
    let text = run("pdftotext", &["-layout", p, "-"]);
    for needle in [
        "Mara Vey — After-show",
        "Receipt K1-000001",
        "Station K1",
        "2026-11-21 21:00 CET",
        "5-minute meet & greet",
        "€25.00",
        "@ €12.50 each",
        "TOTAL",
        "€57.20",
        "Happy hour -20%",
        "You saved",
        "USt-IdNr.",
        "Follow @maravey",
        "Claim codes are valid for 48 hours",
        "incl. VAT 19%",
        "incl. VAT 7%",
        "Paid by QR transfer",
        &receipt.payment_ref,
        "A-001",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    for claim in &receipt.claims {
        let first_line = grouped(&claim.code)[..39].to_string();
        assert!(
            text.contains(&first_line),
            "missing claim text {first_line}"
        );
    }
    if tool("pdftoppm") && Command::new("zbarimg").arg("--version").output().is_ok() {
        let png_base = db.dir.path().join("r");
        run(
            "pdftoppm",
            &["-r", "150", "-png", p, png_base.to_str().unwrap()],
        );
        let png = db.dir.path().join("r-1.png");
        let out = run("zbarimg", &["-q", "--raw", png.to_str().unwrap()]);
        let mut found: Vec<&str> = out.lines().collect();
        let mut expected: Vec<&str> = receipt.claims.iter().map(|c| c.code.as_str()).collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected);
    }
}

#[test]
fn the_first_print_of_a_receipt_is_the_original_and_every_later_one_says_copy() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sale = sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let first = pos.print_receipt(&sale.number).unwrap();
    let again = pos.print_receipt(&sale.number).unwrap();
    assert!(!first.copy, "the first print is the original");
    assert!(again.copy, "a reprint is a copy");
    assert!(
        !pos.receipt(&sale.number).unwrap().copy,
        "showing it prints nothing"
    );
    let prints: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'receipt.print'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(prints, 2, "each print is in the audit log");
    if !tool("pdftotext") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install poppler-utils"
        );
        return;
    }
    let text = |r: &Receipt| {
        let path = db.dir.path().join(format!("{}.pdf", r.copy));
        std::fs::write(&path, receipt_pdf(r).unwrap()).unwrap();
        let out = Command::new("pdftotext")
            .args([path.to_str().unwrap(), "-"])
            .output();
        String::from_utf8(out.unwrap().stdout).unwrap()
    };
    assert!(!text(&first).contains("COPY"));
    assert_eq!(
        text(&again).matches("*** COPY ***").count(),
        2,
        "at the top and the foot"
    );
}
