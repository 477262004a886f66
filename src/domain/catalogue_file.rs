//! The catalogue as a file: one flat row per offer, the same in JSON (with a versioned envelope)
//! and CSV (with a header), so a creator can edit it in a spreadsheet and syndicate it elsewhere.
//! Every row is checked field by field before anything is imported.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalogue::{MAX_VAT_BP, Offer, OfferKind, TileLook, VatRate};
use super::field::{FieldError, FieldResult};
use super::money::{Currency, Money, parse_amount};

/// The format name written into every JSON export.
pub const FORMAT: &str = "encore-catalogue/1";
/// Largest catalogue file read, in bytes: far above any real catalogue, far below trouble.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Most rows one file may hold.
pub const MAX_ROWS: usize = 5_000;

/// One offer as a row: plain text and numbers a spreadsheet keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferRow {
    /// 1–80 characters.
    pub title: String,
    /// gig, drop or item.
    pub kind: String,
    /// Unit price including VAT, e.g. "12.50".
    pub price: String,
    /// VAT rate in percent, e.g. "19" or "7.5".
    pub vat: String,
    /// Gigs: minutes per session, 1–240.
    #[serde(default)]
    pub duration_mins: Option<u32>,
    /// Gigs: sessions for sale.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Drops: units.
    #[serde(default)]
    pub stock: Option<u32>,
    /// Drops: go-live instant, RFC 3339 (`2026-11-21T21:00:00+01:00`).
    #[serde(default)]
    pub go_live: Option<String>,
    /// Drops: close instant, after go-live.
    #[serde(default)]
    pub close: Option<String>,
    /// Drops: most units per fan.
    #[serde(default)]
    pub per_fan_limit: Option<u32>,
    /// Gigs: queue lane letter (the host's lane).
    #[serde(default)]
    pub lane: Option<String>,
    /// A priority add-on (goes with a gig ticket).
    #[serde(default)]
    pub priority_addon: bool,
    /// The tile's emoji.
    #[serde(default)]
    pub emoji: String,
    /// The tile's colour, `#RRGGBB`, empty for the theme colour.
    #[serde(default)]
    pub colour: String,
    /// What one unit costs the creator, e.g. "1.20"; empty for nothing.
    #[serde(default)]
    pub cost: String,
    /// Items: a membership pass with this much member credit, e.g. "10.00"; empty if not a pass.
    #[serde(default)]
    pub pass_credit: String,
    /// The offer's stable key (a UUID, written by export): a row with the key of an offer of
    /// the event updates it; empty (files from before keys) imports as a new offer.
    #[serde(default)]
    pub key: String,
}

/// A JSON export: the format, the currency of every price, and the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueFile {
    /// [`FORMAT`].
    pub format: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Offers in catalogue order.
    pub offers: Vec<OfferRow>,
}

/// A row that cannot be imported: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line in the file (CSV: the header is line 1) or position in the JSON list (from 1).
    pub line: usize,
    /// The field that broke its rule (`price`, `row` for a line that cannot be read).
    pub field: String,
    /// "price: …", naming the field and the rule.
    pub reason: String,
}

impl RowError {
    /// The error of the row at `line`.
    pub fn new(line: usize, error: &FieldError) -> RowError {
        RowError {
            line,
            field: error.field.to_string(),
            reason: error.to_string(),
        }
    }
}

impl OfferRow {
    /// The row of an offer, for export.
    pub fn of(offer: &Offer) -> OfferRow {
        let mut row = OfferRow {
            title: offer.title.clone(),
            kind: offer.kind.name().to_string(),
            price: offer.price.plain(),
            vat: vat_text(offer.vat),
            lane: offer.lane.map(String::from),
            priority_addon: offer.grants_priority,
            emoji: offer.look.emoji.clone(),
            colour: offer
                .look
                .colour
                .map(|c| format!("#{c:06X}"))
                .unwrap_or_default(),
            cost: if offer.cost > 0 {
                Money::new(offer.cost, offer.price.currency).plain()
            } else {
                String::new()
            },
            pass_credit: if offer.pass_credit > 0 {
                Money::new(offer.pass_credit, offer.price.currency).plain()
            } else {
                String::new()
            },
            key: offer.key.clone(),
            ..OfferRow::default()
        };
        match &offer.kind {
            OfferKind::Gig {
                duration_mins,
                capacity,
            } => {
                row.duration_mins = Some(*duration_mins);
                row.capacity = Some(*capacity);
            }
            OfferKind::Drop {
                stock,
                go_live,
                close,
                per_fan_limit,
            } => {
                row.stock = Some(*stock);
                row.go_live = Some(go_live.to_string());
                row.close = close.map(|c| c.to_string());
                row.per_fan_limit = *per_fan_limit;
            }
            OfferKind::Item => {}
        }
        row
    }

    /// The offer this row describes, or the first field that breaks its rule.
    pub fn to_offer(&self, currency: Currency) -> FieldResult<Offer> {
        let title = self.title.trim();
        let price = money_field("price", &self.price, currency)?;
        let vat = parse_vat("vat", &self.vat)?;
        let kind = self.kind_of()?;
        let lane = match (&kind, self.lane.as_deref().map(str::trim)) {
            (OfferKind::Gig { .. }, l) => Some(lane_letter(l.unwrap_or_default())?),
            (_, None | Some("")) => None,
            (_, Some(_)) => return Err(FieldError::new("lane", "only gigs have a queue lane")),
        };
        let offer = Offer {
            id: 0,
            title: title.to_string(),
            price,
            vat,
            remaining: kind.initial_units(),
            kind,
            lane,
            held: 0,
            grants_priority: self.priority_addon,
            look: TileLook {
                emoji: self.emoji.trim().to_string(),
                colour: self.colour_of()?,
            },
            variant_of: None,
            cost: optional_money("cost", &self.cost, currency)?,
            archived: false,
            pass_credit: optional_money("pass_credit", &self.pass_credit, currency)?,
            key: offer_key(&self.key)?,
        };
        offer.check()?;
        Ok(offer)
    }

    /// The kind and its own fields; a field of another kind is refused.
    fn kind_of(&self) -> FieldResult<OfferKind> {
        let only = |field: &'static str, set: bool, kinds: &str| -> FieldResult<()> {
            if set {
                Err(FieldError::new(
                    field,
                    format!("only {kinds} have one (this is a {})", self.kind),
                ))
            } else {
                Ok(())
            }
        };
        let kind = match self.kind.trim().to_ascii_lowercase().as_str() {
            "gig" => {
                only("stock", self.stock.is_some(), "drops")?;
                only("go_live", self.go_live.is_some(), "drops")?;
                OfferKind::Gig {
                    duration_mins: self.duration_mins.ok_or_else(|| {
                        FieldError::new("duration_mins", "a gig lasts 1 to 240 minutes")
                    })?,
                    capacity: self
                        .capacity
                        .ok_or_else(|| FieldError::new("capacity", "1 to 100000 sessions"))?,
                }
            }
            "drop" => {
                only("duration_mins", self.duration_mins.is_some(), "gigs")?;
                let stock = self.stock.ok_or_else(|| {
                    FieldError::new("stock", "a drop needs its number of units (0 or more)")
                })?;
                let go_live = instant("go_live", self.go_live.as_deref())?
                    .ok_or_else(|| FieldError::new("go_live", "a drop needs its go-live time"))?;
                OfferKind::Drop {
                    stock,
                    go_live,
                    close: instant("close", self.close.as_deref())?,
                    per_fan_limit: self.per_fan_limit,
                }
            }
            "item" => {
                only("duration_mins", self.duration_mins.is_some(), "gigs")?;
                only("stock", self.stock.is_some(), "drops")?;
                OfferKind::Item
            }
            other => {
                return Err(FieldError::new(
                    "kind",
                    format!("gig, drop or item (not '{other}')"),
                ));
            }
        };
        kind.check()?;
        Ok(kind)
    }

    /// The tile colour, `#RRGGBB` or empty.
    fn colour_of(&self) -> FieldResult<Option<u32>> {
        let bad = || {
            FieldError::new(
                "colour",
                format!("#RRGGBB like #E69F00 (not '{}')", self.colour),
            )
        };
        match self.colour.trim().trim_start_matches('#') {
            "" => Ok(None),
            hex if hex.len() == 6 => u32::from_str_radix(hex, 16).map(Some).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// A row's key as written: empty, or a UUID (any case, with or without hyphens), kept in
/// the hyphenated lowercase form export writes.
pub fn offer_key(text: &str) -> FieldResult<String> {
    match text.trim() {
        "" => Ok(String::new()),
        typed => uuid::Uuid::parse_str(typed)
            .map(|k| k.hyphenated().to_string())
            .map_err(|_| {
                FieldError::new(
                    "key",
                    format!("the offer's key as export wrote it, a UUID (not '{typed}')"),
                )
            }),
    }
}

/// A gig's queue lane as typed: one letter A to Z, any case; empty is lane A.
pub fn lane_letter(text: &str) -> FieldResult<char> {
    let l = text.trim();
    let mut chars = l.chars();
    match (chars.next().map(|c| c.to_ascii_uppercase()), chars.next()) {
        (None, _) => Ok('A'),
        (Some(c @ 'A'..='Z'), None) => Ok(c),
        _ => Err(FieldError::new(
            "lane",
            format!("one letter A to Z (not '{l}')"),
        )),
    }
}

/// An amount typed for `field`, strictly parsed in `currency`.
pub fn money_field(
    field: impl Into<std::borrow::Cow<'static, str>>,
    text: &str,
    currency: Currency,
) -> FieldResult<Money> {
    parse_amount(text, currency).map_err(|e| FieldError::new(field, e.to_string()))
}

/// An optional amount in minor units: empty is nothing.
pub fn optional_money(
    field: impl Into<std::borrow::Cow<'static, str>>,
    text: &str,
    currency: Currency,
) -> FieldResult<i64> {
    match text.trim() {
        "" => Ok(0),
        typed => Ok(money_field(field, typed, currency)?.minor),
    }
}

fn vat_text(vat: VatRate) -> String {
    let label = vat.label();
    label.trim_end_matches('%').to_string()
}

/// "19", "7.5", "19%" → basis points.
/// A VAT rate as people type it (`19`, `7.5`, `8.25 %`): 0 to 30 % with at most two decimals;
/// the error names `field`.
pub fn parse_vat(field: &str, text: &str) -> FieldResult<VatRate> {
    parse_percent(field, text, MAX_VAT_BP).map(VatRate)
}

/// A percentage as people type it (`20`, `12.5 %`, `7,25`) in basis points, 0 to `max_bp`,
/// at most two decimals; the error names `field` and the range.
pub fn parse_percent(field: &str, text: &str, max_bp: u32) -> FieldResult<u32> {
    let t = text.trim().trim_end_matches('%').trim();
    let bad = || {
        FieldError::new(
            field.to_string(),
            format!(
                "a percentage from 0 to {} with at most two decimals (not '{}')",
                max_bp / 100,
                text.trim()
            ),
        )
    };
    let (whole, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !(whole.chars().chain(frac.chars())).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)?;
    if bp > max_bp {
        return Err(bad());
    }
    Ok(bp)
}

fn instant(field: &'static str, text: Option<&str>) -> FieldResult<Option<Timestamp>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t.parse::<Timestamp>().map(Some).map_err(|_| {
            FieldError::new(
                field,
                format!(
                    "a date and time with its offset, like 2026-11-21T21:00:00+01:00 (not '{t}')"
                ),
            )
        }),
    }
}

/// Reads a JSON export; rows are numbered from 1 in list order.
pub fn from_json(text: &str, currency: Currency) -> Result<Vec<(usize, OfferRow)>, FileError> {
    check_size(text.len())?;
    let file: CatalogueFile =
        serde_json::from_str(text).map_err(|e| FileError::NotJson(e.to_string()))?;
    if file.format != FORMAT {
        return Err(FileError::Format(file.format));
    }
    if !file.currency.eq_ignore_ascii_case(currency.code()) {
        return Err(FileError::Currency {
            file: file.currency,
            event: currency.code(),
        });
    }
    check_rows(file.offers.len())?;
    Ok(file
        .offers
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect())
}

/// A row of a file with its line number, or why that line cannot be read.
pub type NumberedRow = (usize, FieldResult<OfferRow>);

/// A catalogue file that cannot be read or written as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Not JSON, or not of the catalogue's shape.
    #[error("not an Encore catalogue file: {0}")]
    NotJson(String),
    /// Another format version.
    #[error("format: this Encore reads {FORMAT} (the file says '{0}')")]
    Format(String),
    /// Prices in another currency.
    #[error("currency: the file's prices are in {file}, this event sells in {event}")]
    Currency {
        /// The file's currency code.
        file: String,
        /// The event's.
        event: &'static str,
    },
    /// No header row.
    #[error("not a CSV file with a header row: {0}")]
    NotCsv(String),
    /// Writing the CSV failed.
    #[error("the CSV could not be written: {0}")]
    Write(String),
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("file: at most {} MiB (this one has {bytes} bytes)", MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge {
        /// Bytes seen (at least this many).
        bytes: usize,
    },
    /// More rows than [`MAX_ROWS`].
    #[error("rows: at most {MAX_ROWS} offers in one file (split it and import each part)")]
    TooManyRows,
}

/// Reads CSV with a header row; each row carries its line number, or why it cannot be read.
pub fn from_csv(text: &str) -> Result<Vec<NumberedRow>, FileError> {
    check_size(text.len())?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .headers()
        .map_err(|e| FileError::NotCsv(e.to_string()))?;
    let mut rows = Vec::new();
    // One row past the cap is enough to refuse: the rest is never parsed.
    for (i, row) in reader
        .deserialize::<OfferRow>()
        .take(MAX_ROWS + 1)
        .enumerate()
    {
        let unreadable = |e: csv::Error| FieldError::new("row", format!("cannot be read: {e}"));
        rows.push((i + 2, row.map_err(unreadable)));
    }
    check_rows(rows.len())?;
    Ok(rows)
}

/// A file of `bytes` is at most [`MAX_FILE_BYTES`].
pub fn check_size(bytes: usize) -> Result<(), FileError> {
    if bytes > MAX_FILE_BYTES {
        return Err(FileError::TooLarge { bytes });
    }
    Ok(())
}

/// A file of `rows` offers holds at most [`MAX_ROWS`].
pub fn check_rows(rows: usize) -> Result<(), FileError> {
    if rows > MAX_ROWS {
        return Err(FileError::TooManyRows);
    }
    Ok(())
}

/// Writes a JSON export.
pub fn to_json(offers: &[Offer], currency: Currency) -> String {
    let file = CatalogueFile {
        format: FORMAT.into(),
        currency: currency.code().into(),
        offers: offers.iter().map(OfferRow::of).collect(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Writes CSV with a header row.
pub fn to_csv(offers: &[Offer]) -> Result<String, FileError> {
    let failed = |e: &dyn std::fmt::Display| FileError::Write(e.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    for offer in offers {
        writer
            .serialize(OfferRow::of(offer))
            .map_err(|e| failed(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests;
