//! `encore payload` through the real binary: payloads, PNG round trip, parse errors, exit codes.

use std::process::{Command, Output};

fn encore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_encore"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .trim_end_matches('\n')
        .to_string()
}

/// Decodes the only QR code in a greyscale PNG with rqrr.
fn decode_png(path: &std::path::Path) -> String {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

#[test]
fn epc_payload_and_its_png_say_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("epc.png");
    let out = encore(&[
        "payload",
        "--scheme",
        "epc",
        "--name",
        "Mara Vey Music",
        "--iban",
        "DE89 3704 0044 0532 0130 00",
        "--amount",
        "12,50",
        "--ref",
        "ENC-7F3K2Q",
        "--png",
        png.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let expected =
        "BCD\n002\n1\nSCT\n\nMara Vey Music\nDE89370400440532013000\nEUR12.50\n\n\nENC-7F3K2Q";
    assert_eq!(stdout(&out), expected);
    assert_eq!(decode_png(&png), expected);
}

#[test]
fn pix_reproduces_the_bcb_example_and_round_trips_through_png() {
    let out = encore(&[
        "payload",
        "--scheme",
        "pix",
        "--key",
        "123e4567-e12b-12d1-a456-426655440000",
        "--name",
        "Fulano de Tal",
        "--city",
        "BRASILIA",
    ]);
    assert_eq!(
        stdout(&out),
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
    );
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("pix.png");
    let args = [
        "payload",
        "--scheme",
        "pix",
        "--key",
        "+5561912345678",
        "--name",
        "Mara Vey",
        "--city",
        "São Paulo",
        "--amount",
        "25",
        "--ref",
        "ENC-7F3K2Q",
        "--png",
        png.to_str().unwrap(),
    ];
    let made = stdout(&encore(&args));
    assert!(made.contains("6009Sao Paulo") && made.contains("540525.00"));
    assert_eq!(decode_png(&png), made);
}

#[test]
fn parse_says_exactly_what_is_wrong() {
    let good = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    let out = encore(&["payload", "--parse", good, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scheme"], "emv");
    assert!(
        v["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "26.01" && f["value"] == "123e4567-e12b-12d1-a456-426655440000")
    );
    let crc = encore(&[
        "payload",
        "--parse",
        &good.replace("1D3D", "1D3E"),
        "--json",
    ]);
    assert_eq!(crc.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&crc.stdout).unwrap();
    assert_eq!(
        v["error"],
        "CRC mismatch: the payload says 1D3E, its content gives 1D3D"
    );
    let malformed = encore(&["payload", "--parse", "000201265800", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&malformed.stdout).unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed TLV at offset 6"),
        "{v}"
    );
    let epc = encore(&[
        "payload",
        "--parse",
        "BCD\n001\n1\nSCT\n\nAda\nDE89370400440532013000\nEUR1.00",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&epc.stdout).unwrap();
    assert_eq!(v["error"], "EPC line 5 (BIC): required in version 001");
}

#[test]
fn bad_fields_exit_1_and_missing_flags_exit_2() {
    let bad_iban = encore(&[
        "payload",
        "--scheme",
        "epc",
        "--name",
        "A",
        "--iban",
        "DE89370400440532013001",
        "--amount",
        "5",
    ]);
    assert_eq!(bad_iban.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_iban.stderr).contains("IBAN: check digits are wrong"));
    let bad_key = encore(&[
        "payload",
        "--scheme",
        "pix",
        "--key",
        "52998224726",
        "--name",
        "A",
        "--city",
        "B",
    ]);
    assert_eq!(bad_key.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad_key.stderr).contains("PIX key: CPF check digits are wrong")
    );
    let bad_vpa = encore(&[
        "payload", "--scheme", "upi", "--vpa", "nope", "--name", "A", "--amount", "5",
    ]);
    assert!(String::from_utf8_lossy(&bad_vpa.stderr).contains("UPI address:"));
    let missing = encore(&["payload", "--scheme", "epc", "--name", "A", "--amount", "5"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        encore(&["payload", "--scheme", "bitcoin"]).status.code(),
        Some(2)
    );
}

/// Reads a PNG's QR code with zbarimg as raw bytes (no charset guessing).
fn zbarimg(path: &std::path::Path) -> Option<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", "-Sbinary"])
        .arg(path)
        .output();
    match out {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
        Ok(out) => panic!("zbarimg found no code in {}: {out:?}", path.display()),
        Err(_) => {
            // CI installs zbar-tools (.ci/run), so there a missing tool is a failure, not a skip.
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install zbar-tools"
            );
            None
        }
    }
}

#[test]
fn every_scheme_round_trips_through_the_png_with_rqrr_and_zbarimg() {
    let dir = tempfile::tempdir().unwrap();
    let common = ["--amount", "12.50", "--ref", "ENC-7F3K2Q"];
    let schemes: [(&str, Vec<&str>); 6] = [
        (
            "epc",
            vec!["--name", "Müller Café", "--iban", "DE89370400440532013000"],
        ),
        (
            "epc",
            vec![
                "--name",
                "Mara Vey Music",
                "--iban",
                "DE89370400440532013000",
                "--bic",
                "COBADEFFXXX",
                "--version",
                "1",
            ],
        ),
        (
            "pix",
            vec![
                "--key",
                "fulano2019@example.com",
                "--name",
                "Fulano de Tal",
                "--city",
                "BRASILIA",
            ],
        ),
        (
            "emv",
            vec![
                "--tag",
                "26",
                "--guid",
                "SG.PAYNOW",
                "--field",
                "01=2",
                "--field",
                "02=201403121W",
                "--field",
                "03=0",
                "--mcc",
                "0000",
                "--currency-num",
                "702",
                "--country",
                "SG",
                "--name",
                "Café Müller",
                "--city",
                "Singapore",
            ],
        ),
        ("upi", vec!["--vpa", "mara@okaxis", "--name", "Mara Vey"]),
        (
            "link",
            vec![
                "--template",
                "https://ko-fi.com/maravey?amount={amount}&ref={ref}",
            ],
        ),
    ];
    for (n, (scheme, fields)) in schemes.iter().enumerate() {
        let png = dir.path().join(format!("{scheme}-{n}.png"));
        let mut args = vec!["payload", "--scheme", scheme];
        args.extend(fields);
        args.extend(common);
        args.extend(["--png", png.to_str().unwrap()]);
        let out = encore(&args);
        assert_eq!(out.status.code(), Some(0), "{scheme}: {out:?}");
        let payload = stdout(&out);
        assert_eq!(decode_png(&png), payload, "{scheme}: rqrr");
        if let Some(read) = zbarimg(&png) {
            assert_eq!(read, payload, "{scheme}: zbarimg");
        }
    }
}
