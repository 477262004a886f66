//! Day-close reports on paper: the 80 mm roll of the receipt printer, or A4 pages for the
//! accountant. Both print every section and row of [`crate::domain::report::text::sections`].

use printpdf::{Mm, Pt};

use super::canvas::{Canvas, Weight};
use super::{PdfError, fonts};
use crate::domain::report::Report;
use crate::domain::report::text::{period, sections, title};

/// The paper a report is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// The 80 mm receipt roll.
    Roll80,
    /// A4 pages.
    A4,
}

struct Layout {
    width: Mm,
    margin: Mm,
    body: Pt,
    head: Pt,
    title: Pt,
    cell: Mm,
}

const ROLL: Layout = Layout {
    width: Mm(80.0),
    margin: Mm(4.0),
    body: Pt(7.5),
    head: Pt(8.5),
    title: Pt(12.0),
    cell: Mm(14.0),
};

const A4: Layout = Layout {
    width: Mm(210.0),
    margin: Mm(18.0),
    body: Pt(9.5),
    head: Pt(11.0),
    title: Pt(16.0),
    cell: Mm(28.0),
};

/// Renders a report; a `copy` (every print of a closed Z after its close) says COPY at the top
/// and the bottom.
pub fn report_pdf(r: &Report, paper: Paper, copy: bool) -> Result<Vec<u8>, PdfError> {
    let l = match paper {
        Paper::Roll80 => &ROLL,
        Paper::A4 => &A4,
    };
    let mut c = Canvas::new(fonts()?, l.width, l.margin);
    if copy {
        c.centered("*** COPY ***", l.title, Weight::Bold);
    }
    c.centered(&title(r), l.title, Weight::Bold);
    c.centered(&r.event, l.head, Weight::Regular);
    c.centered(&r.venue, l.body, Weight::Regular);
    c.advance(Mm(1.0));
    c.row(&period(r), &[], l.cell, l.body, Weight::Regular);
    c.row(
        &format!("Amounts in {}", r.currency.code()),
        &[],
        l.cell,
        l.body,
        Weight::Regular,
    );
    for s in sections(r) {
        c.rule();
        let heads: Vec<&str> = s.columns.iter().map(String::as_str).collect();
        c.row(&s.title, &heads, l.cell, l.head, Weight::Bold);
        for row in &s.rows {
            let cells: Vec<&str> = row.cells.iter().map(String::as_str).collect();
            c.row(&row.label, &cells, l.cell, l.body, Weight::Regular);
        }
    }
    if copy {
        c.rule();
        c.centered("*** COPY ***", l.title, Weight::Bold);
    }
    let name = title(r);
    match paper {
        Paper::Roll80 => c.finish(&name),
        Paper::A4 => c.finish_pages(&name, Mm(297.0)),
    }
}
