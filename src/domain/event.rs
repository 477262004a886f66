//! An event (one pop-up) and how its instants read in local time.

use super::field::{FieldError, FieldResult};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::catalogue::VatRate;
use super::money::Currency;
use super::payment::PaymentProfile;
use super::pricing::VatMode;

/// One pop-up: everything else hangs off it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Store id (also inside claim codes).
    pub id: i64,
    /// Name on tiles and receipts.
    pub name: String,
    /// Venue line.
    pub venue: String,
    /// The event's time zone, resolved once when the event is read (Europe/Berlin).
    pub time_zone: Zone,
    /// Currency of every price.
    pub currency: Currency,
    /// How fans pay by QR, if set up.
    pub payment: Option<PaymentProfile>,
    /// How long units stay reserved while a fan pays.
    pub hold_secs: u32,
    /// How many hours a claim code stays valid after the sale.
    pub claim_valid_hours: u32,
    /// How the queue runs.
    pub queue: super::queue::QueueRules,
    /// Whether prices include VAT or tax is added at checkout.
    pub vat_mode: VatMode,
    /// The rates the catalogue editor offers.
    pub vat_rates: Vec<VatRate>,
    /// Printed above the lines of every receipt (the creator's name, address, tax number).
    pub receipt_header: String,
    /// Printed under the totals (a thank-you, social handles).
    pub receipt_footer: String,
    /// Terms shown on receipts (refund policy, claim-code rules).
    pub terms: String,
}

/// The currencies a creator can pick when setting up an event.
pub const SETUP_CURRENCIES: [Currency; 5] = [
    Currency::Eur,
    Currency::Gbp,
    Currency::Usd,
    Currency::Brl,
    Currency::Inr,
];

/// An event as the creator types it in the set-up form (or the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventSetup {
    /// Name, 1–80 characters.
    pub name: String,
    /// Venue, up to 80 characters.
    pub venue: String,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Tax mode.
    pub vat_mode: VatMode,
    /// VAT rates as typed: `19, 7` or `8.875`.
    pub vat_rates: String,
    /// Receipt header text.
    pub receipt_header: String,
    /// Receipt footer text.
    pub receipt_footer: String,
    /// Terms on receipts.
    pub terms: String,
}

/// The set-up form, checked: what the store writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSetup {
    /// Name.
    pub name: String,
    /// Venue.
    pub venue: String,
    /// Time zone.
    pub time_zone: String,
    /// Currency.
    pub currency: Currency,
    /// Tax mode.
    pub vat_mode: VatMode,
    /// Rates, ascending, no duplicates.
    pub vat_rates: Vec<VatRate>,
    /// Receipt header.
    pub receipt_header: String,
    /// Receipt footer.
    pub receipt_footer: String,
    /// Terms.
    pub terms: String,
}

/// A one-line field of the form, trimmed.
fn text(field: &'static str, value: &str, min: usize, max: usize) -> FieldResult<String> {
    super::field::check_text(field, value.trim(), max)?;
    sized(field, value, min, max)
}

/// A field printed over several lines (receipt header, footer, terms), trimmed.
fn lines(field: &'static str, value: &str, max: usize) -> FieldResult<String> {
    super::field::check_lines(field, value.trim(), max)?;
    sized(field, value, 0, max)
}

fn sized(field: &'static str, value: &str, min: usize, max: usize) -> FieldResult<String> {
    let value = value.trim();
    let len = value.chars().count();
    if len < min || len > max {
        return Err(FieldError::new(
            field,
            if min > 0 {
                format!("{min} to {max} characters (now {len})")
            } else {
                format!("at most {max} characters (now {len})")
            },
        ));
    }
    Ok(value.to_string())
}

/// An event's time zone: its IANA name and the rules it stands for, looked up once. Instants
/// are UTC everywhere; a zone only shows them and reads local times typed by people.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// The zone of an IANA name (`Europe/Berlin`, `America/New_York`, `UTC`).
    pub fn named(name: &str) -> FieldResult<Zone> {
        let name = name.trim();
        TimeZone::get(name)
            .map(|tz| Zone {
                name: name.to_string(),
                tz,
            })
            .map_err(|_| {
                FieldError::new(
                    format!("time zone '{name}'"),
                    "use an IANA name like Europe/Berlin or America/New_York",
                )
            })
    }

    /// Coordinated universal time.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: TimeZone::UTC,
        }
    }

    /// The IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `at` in this zone.
    pub fn at(&self, at: Timestamp) -> jiff::Zoned {
        at.to_zoned(self.tz.clone())
    }

    /// The instant a local date and time names here (the earlier one in a DST fold).
    pub fn instant(&self, local: jiff::civil::DateTime) -> Option<Timestamp> {
        local.to_zoned(self.tz.clone()).ok().map(|z| z.timestamp())
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl TryFrom<String> for Zone {
    type Error = FieldError;
    fn try_from(name: String) -> FieldResult<Zone> {
        Zone::named(&name)
    }
}

impl From<Zone> for String {
    fn from(zone: Zone) -> String {
        zone.name
    }
}

/// An instant typed in the event's local time: `21:30` (on the day of `today` there),
/// `2026-11-21 21:30`, or RFC 3339 with an offset.
pub fn parse_local(
    field: &str,
    input: &str,
    zone: &Zone,
    today: Timestamp,
) -> FieldResult<Timestamp> {
    let t = input.trim();
    if let Ok(at) = t.parse::<Timestamp>() {
        return Ok(at);
    }
    let bad = || {
        FieldError::new(
            field.to_string(),
            format!("a time like 21:30 or 2026-11-21 21:30 (not '{t}')"),
        )
    };
    let civil = if t.len() <= 5 {
        let time: jiff::civil::Time = t.parse().map_err(|_| bad())?;
        zone.at(today).date().to_datetime(time)
    } else {
        t.replacen(' ', "T", 1)
            .parse::<jiff::civil::DateTime>()
            .map_err(|_| bad())?
    };
    civil
        .to_zoned(zone.tz.clone())
        .map(|z| z.timestamp())
        .map_err(|_| bad())
}

/// The local form `parse_local` reads back: `2026-11-21 21:30`.
pub fn local_input(at: Timestamp, zone: &Zone) -> String {
    zone.at(at).strftime("%Y-%m-%d %H:%M").to_string()
}

impl EventSetup {
    /// The form showing an existing event.
    pub fn of(event: &Event) -> EventSetup {
        EventSetup {
            name: event.name.clone(),
            venue: event.venue.clone(),
            time_zone: event.time_zone.name().to_string(),
            currency: event.currency.code().to_string(),
            vat_mode: event.vat_mode,
            vat_rates: event
                .vat_rates
                .iter()
                .map(|r| r.label().trim_end_matches('%').to_string())
                .collect::<Vec<_>>()
                .join(", "),
            receipt_header: event.receipt_header.clone(),
            receipt_footer: event.receipt_footer.clone(),
            terms: event.terms.clone(),
        }
    }

    /// Checks every field; the message names the field and the rule.
    pub fn check(&self) -> FieldResult<CheckedSetup> {
        let name = text("name", &self.name, 1, 80)?;
        let venue = text("venue", &self.venue, 0, 80)?;
        let time_zone = Zone::named(&self.time_zone)?.name().to_string();
        let currency = Currency::from_code(self.currency.trim())
            .filter(|c| SETUP_CURRENCIES.contains(c))
            .ok_or_else(|| {
                FieldError::new(
                    format!("currency '{}'", self.currency.trim()),
                    format!(
                        "use one of {}",
                        SETUP_CURRENCIES.map(|c| c.code()).join(", ")
                    ),
                )
            })?;
        let mut vat_rates = self
            .vat_rates
            .split([',', ';', ' '])
            .filter(|p| !p.trim().is_empty())
            .map(|rate| super::catalogue_file::parse_vat("VAT rates", rate))
            .collect::<Result<Vec<_>, _>>()?;
        vat_rates.sort();
        vat_rates.dedup();
        if vat_rates.is_empty() {
            return Err(FieldError::new(
                "VAT rates",
                "at least one rate (0 when no tax applies)",
            ));
        }
        if vat_rates.len() > 6 {
            return Err(FieldError::new("VAT rates", "at most 6 rates"));
        }
        Ok(CheckedSetup {
            name,
            venue,
            time_zone,
            currency,
            vat_mode: self.vat_mode,
            vat_rates,
            receipt_header: lines("receipt header", &self.receipt_header, 200)?,
            receipt_footer: lines("receipt footer", &self.receipt_footer, 200)?,
            terms: lines("terms", &self.terms, 600)?,
        })
    }
}

/// `2026-11-21 21:05 CET` in the event's zone.
pub fn local_time(at: Timestamp, zone: &Zone) -> String {
    zone.at(at).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// `21:05:33` in the event's zone, for "redeemed at" messages.
pub fn local_clock(at: Timestamp, zone: &Zone) -> String {
    zone.at(at).strftime("%H:%M:%S").to_string()
}

/// `21:05` in the event's zone.
pub fn local_hhmm(at: Timestamp, zone: &Zone) -> String {
    zone.at(at).strftime("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_shows_the_zone() {
        let at: Timestamp = "2026-11-21T20:05:00Z".parse().unwrap();
        let zone = |name: &str| Zone::named(name).unwrap();
        assert_eq!(
            local_time(at, &zone("Europe/Berlin")),
            "2026-11-21 21:05 CET"
        );
        assert_eq!(local_clock(at, &zone("Asia/Kolkata")), "01:35:00");
        assert_eq!(local_hhmm(at, &Zone::utc()), "20:05");
        assert_eq!(zone(" America/Sao_Paulo ").name(), "America/Sao_Paulo");
        // An unknown zone is refused when it is read, never shown as UTC by mistake.
        assert!(Zone::named("Nowhere/City").is_err());
    }

    fn setup() -> EventSetup {
        EventSetup {
            name: "Rooftop pop-up".into(),
            venue: "Dock 4, Hamburg".into(),
            time_zone: "Europe/Berlin".into(),
            currency: "EUR".into(),
            vat_mode: VatMode::Inclusive,
            vat_rates: "19, 7".into(),
            ..EventSetup::default()
        }
    }

    #[test]
    fn a_set_up_form_is_checked_field_by_field() {
        let ok = setup().check().unwrap();
        assert_eq!(ok.vat_rates, vec![VatRate(700), VatRate(1900)]);
        assert_eq!(ok.currency, Currency::Eur);
        let with = |f: fn(&mut EventSetup)| {
            let mut s = setup();
            f(&mut s);
            s.check().unwrap_err().to_string()
        };
        assert!(with(|s| s.name = "  ".into()).starts_with("name: 1 to 80"));
        assert!(with(|s| s.time_zone = "Mars/Olympus".into()).starts_with("time zone"));
        assert!(with(|s| s.currency = "JPY".into()).contains("EUR, GBP, USD, BRL, INR"));
        assert!(with(|s| s.vat_rates = "19, 45".into()).starts_with("VAT rates: a percentage"));
        assert!(with(|s| s.vat_rates = String::new()).starts_with("VAT rates: at least one"));
        assert!(with(|s| s.terms = "x".repeat(601)).starts_with("terms: at most 600"));
    }

    #[test]
    fn local_times_read_in_the_event_zone() {
        let today: Timestamp = "2026-11-21T15:00:00Z".parse().unwrap();
        let (berlin, new_york) = (
            Zone::named("Europe/Berlin").unwrap(),
            Zone::named("America/New_York").unwrap(),
        );
        let at = parse_local("go-live", "21:30", &berlin, today).unwrap();
        assert_eq!(at.to_string(), "2026-11-21T20:30:00Z");
        let at = parse_local("go-live", "2026-11-22 09:05", &new_york, today).unwrap();
        assert_eq!(at.to_string(), "2026-11-22T14:05:00Z");
        assert_eq!(local_input(at, &new_york), "2026-11-22 09:05");
        assert!(
            parse_local("go-live", "25:00", &Zone::utc(), today)
                .unwrap_err()
                .to_string()
                .starts_with("go-live: a time")
        );
    }
}
