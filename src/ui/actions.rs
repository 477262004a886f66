//! Applying commands: each runs through the service, and what the operator should see is
//! recorded in the kiosk's state for the next frame.

use crate::domain::field::FieldError;
use std::path::Path;

use super::drawer::DrawerOp;
use super::sell::TillInputs;
use super::widgets::Tone;
use super::{Command, Kiosk, Payment, Screen, refund};
use crate::domain::claim;
use crate::domain::money::{Money, parse_amount};
use crate::domain::order::{Cart, ReceiptNo, tip_percent};
use crate::domain::queue::TicketState;
use crate::service::{PosError, RefundRequest};

impl Kiosk {
    /// Runs one command through the service and records what the operator should see.
    pub fn apply(&mut self, command: Command) {
        let result = match command {
            Command::Goto(screen) => {
                // Leaving the catalogue locks it again: a helper taking over finds it read-only.
                if screen != Screen::Catalogue {
                    self.editor = Default::default();
                }
                self.screen = screen;
                Ok(())
            }
            Command::Add(id) => {
                self.add_to_cart(id);
                Ok(())
            }
            Command::RemoveOne(id) => {
                self.cart.remove_one(id);
                Ok(())
            }
            Command::AddBundle(id) => {
                self.add_bundle(id);
                Ok(())
            }
            Command::RemoveBundle(id) => {
                self.cart.remove_bundle(id);
                Ok(())
            }
            Command::IdentifyFan => {
                let input = self.fan_input.clone();
                self.identify(&input)
            }
            Command::ScannedMember(code) => match self.payment {
                Payment::Pending { .. } => Err(PosError::Invalid(FieldError::new(
                    "a payment is under way",
                    "finish or cancel it, then scan the card",
                ))),
                Payment::Paid { .. } => {
                    // The card of the next fan in line: a fresh basket for them.
                    self.next_fan();
                    self.identify(&code)
                }
                Payment::None => self.identify(&code),
            },
            Command::ForgetFan => {
                self.fan = None;
                self.fan_input.clear();
                Ok(())
            }
            Command::Editor(op) => self.editor_op(op),
            Command::Members(op) => self.members_op(op),
            Command::Setup(op) => {
                let result = self.setup_op(op);
                // The PIN is typed for one action, never left in the field for the next person.
                self.setup.pin.clear();
                self.setup.new_pin.clear();
                result
            }
            Command::Lottery(op) => {
                let result = self.lottery_op(op);
                self.setup.pin.clear();
                result
            }
            Command::ClearCart => {
                self.cart = Cart::default();
                self.fan = None;
                self.fan_input.clear();
                Ok(())
            }
            Command::Pay(method) => self.start_payment(method),
            Command::ConfirmPaid => self.confirm_paid(),
            Command::CancelPayment | Command::NextFan => {
                if matches!(self.payment, Payment::Paid { .. }) {
                    self.cart = Cart::default();
                    self.fan = None;
                    self.fan_input.clear();
                }
                if let Payment::Pending { checkout, .. } = &self.payment
                    && let Err(e) = self.pos.release_hold(checkout)
                {
                    self.notice = Some((Tone::Bad, e.to_string()));
                }
                self.payment = Payment::None;
                self.till = TillInputs::default();
                Ok(())
            }
            Command::CallNext(lane) => self.call_next(lane),
            Command::MoveTicket(id, to) => self.pos.move_ticket(id, to).map(|label| {
                let word = match to {
                    TicketState::Serving => "at the table",
                    TicketState::Done => "served",
                    TicketState::NoShow => "marked no-show",
                    TicketState::Waiting => "back in the queue",
                    _ => "moved",
                };
                self.remember_move(id, format!("{label} {word}"));
            }),
            Command::UndoTicket(id) => self.pos.undo_ticket(id).map(|label| {
                self.last_move = None;
                self.notice = Some((Tone::Good, format!("Undone: {label} is back where it was")));
            }),
            Command::SetPriority(id, on) => self.pos.set_priority(id, on).map(|label| {
                let word = if on { "priority" } else { "regular" };
                self.notice = Some((Tone::Good, format!("{label} is {word} now")));
            }),
            Command::SelectLane(lane) => {
                self.lane = lane;
                Ok(())
            }
            Command::Redeem(code) => {
                self.redeem(&code, false);
                Ok(())
            }
            Command::RedeemMore(code) => {
                self.redeem(&code, true);
                Ok(())
            }
            Command::HandOver(id) => {
                let done = self.pos.hand_over(id);
                let before = self.redeem.last.take();
                self.after_redemption_step(done, "Handed over");
                // The rest of the code stays at hand (One more unit), and the hand-over can be
                // undone for ten seconds.
                if let (Some((mut r, code, _)), Some((Tone::Good, _))) =
                    (before, &self.redeem.result)
                {
                    r.held = false;
                    self.redeem.last = Some((r, code, self.pos.now()));
                }
                Ok(())
            }
            Command::UndoRedemption(id) => {
                let done = self.pos.undo_redemption(id);
                let before = self.redeem.last.take();
                let back_on_hold = matches!(&done, Ok(r) if r.held);
                let word = if back_on_hold {
                    "Back on hold"
                } else {
                    "Undone"
                };
                self.after_redemption_step(done, word);
                // An undone hand-over leaves the unit held: Handed over is offered again.
                if back_on_hold && let Some((mut r, code, at)) = before {
                    r.held = true;
                    self.redeem.last = Some((r, code, at));
                }
                Ok(())
            }
            Command::ReadImage => {
                self.read_image();
                Ok(())
            }
            Command::ToggleBoard => {
                self.board = !self.board;
                Ok(())
            }
            // Held back in `Kiosk::ui` until no scan follows; applied as the command it wraps.
            Command::Shortcut(inner) => {
                self.apply(*inner);
                Ok(())
            }
            Command::SetHelper => {
                self.pos.set_helper(&self.rules.helper);
                self.notice = Some(match self.pos.helper() {
                    "" => (
                        Tone::Info,
                        "No helper name: actions show the station only".into(),
                    ),
                    name => (Tone::Good, format!("Helper at this station: {name}")),
                });
                Ok(())
            }
            Command::SaveRules => {
                let pin = std::mem::take(&mut self.rules.pin);
                match self.rules.parse() {
                    Ok((rules, hours)) => self
                        .pos
                        .unlock(&pin)
                        .and_then(|grant| self.pos.set_queue_rules(rules, hours, &grant))
                        .map(|()| {
                            self.notice = Some((Tone::Good, "Queue settings saved".into()));
                        }),
                    Err(problem) => {
                        self.notice = Some((Tone::Bad, problem));
                        Ok(())
                    }
                }
            }
            Command::ExportReceipt(number) => self.export(&number),
            Command::OpenFile(path) => {
                open_file(&path);
                Ok(())
            }
            Command::ToggleFanWindow => {
                self.fan_window = !self.fan_window;
                Ok(())
            }
            Command::StartRefund(number) => self.pos.receipt(&number).map(|r| {
                self.refund = Some(refund::RefundDraft::of(&r));
                self.screen = Screen::Receipts;
            }),
            Command::CancelRefund => {
                self.refund = None;
                Ok(())
            }
            Command::ConfirmRefund => {
                self.confirm_refund();
                Ok(())
            }
            Command::TestScan => {
                let scale = 10_i64.pow(self.pos.event().currency.minor_digits());
                self.settings
                    .test_scan(Money::new(scale, self.pos.event().currency));
                Ok(())
            }
            Command::SavePayment => self.save_payment(),
            Command::Drawer(op) => self.drawer_op(op),
            Command::SetTip(percent) => {
                let tip = self.payment_total().map(|t| tip_percent(t, percent));
                self.change_payment(|_, tip_now, _| {
                    if let Some(tip) = tip {
                        *tip_now = tip;
                    }
                })
            }
            Command::CustomTip => self.custom_tip(),
            Command::MatchStatement => self.match_statement(),
            Command::AddPart(kind) => self.add_part(kind),
            Command::RemovePart(at) => self.change_payment(|_, _, parts| {
                if at < parts.len() {
                    parts.remove(at);
                }
            }),
        };
        if let Err(e) = result {
            self.notice = Some((Tone::Bad, e.to_string()));
        }
    }

    /// Matches the statement file of the Receipts form to the QR orders.
    fn match_statement(&mut self) -> Result<(), PosError> {
        match self.statement.credits(self.pos.event().currency) {
            Ok(credits) => {
                self.statement.result = Some(self.pos.reconcile(&credits)?);
                self.notice = None;
            }
            Err(problem) => {
                self.statement.result = None;
                self.notice = Some((Tone::Bad, problem));
            }
        }
        Ok(())
    }

    fn drawer_op(&mut self, op: DrawerOp) -> Result<(), PosError> {
        let currency = self.pos.event().currency;
        let amount = match parse_amount(&self.drawer_amount, currency) {
            Ok(m) => m,
            Err(e) => {
                self.notice = Some((Tone::Bad, format!("Drawer amount: {e}")));
                return Ok(());
            }
        };
        let reason = self.drawer_reason.trim().to_string();
        let done = match op {
            DrawerOp::Open => self
                .pos
                .open_drawer(amount)
                .map(|()| format!("Drawer open with {amount}")),
            DrawerOp::CashIn => self
                .pos
                .drawer_move(amount, &reason)
                .map(|()| format!("{amount} put in: {reason}")),
            DrawerOp::CashOut => {
                let out = Money::new(-amount.minor, currency);
                self.pos
                    .drawer_move(out, &reason)
                    .map(|()| format!("{amount} taken out: {reason}"))
            }
            DrawerOp::Close => self.pos.close_drawer(amount).map(|r| {
                let diff = r.difference.unwrap_or(Money::new(0, currency));
                format!(
                    "Drawer closed: expected {}, counted {amount}, difference {diff}",
                    r.expected
                )
            }),
        }?;
        self.notice = Some((Tone::Good, done));
        self.drawer_amount.clear();
        self.drawer_reason.clear();
        Ok(())
    }

    fn save_payment(&mut self) -> Result<(), PosError> {
        let pin = std::mem::take(&mut self.settings.pin);
        match self.settings.profile() {
            Ok(profile) => self
                .pos
                .unlock(&pin)
                .and_then(|grant| self.pos.set_payment_profile(profile, &grant))
                .map(|()| {
                    self.notice = Some((Tone::Good, "Payment settings saved".into()));
                }),
            Err(problem) => {
                self.notice = Some((Tone::Bad, problem));
                Ok(())
            }
        }
    }

    fn confirm_refund(&mut self) {
        let Some(draft) = &mut self.refund else {
            return;
        };
        let lines = draft
            .lines
            .iter()
            .filter(|l| l.4 > 0)
            .map(|l| (l.0, l.4))
            .collect();
        let req = RefundRequest {
            receipt: draft.receipt.clone(),
            lines: Some(lines),
            reason: draft.reason.clone(),
        };
        let pin = std::mem::take(&mut draft.pin);
        match self
            .pos
            .unlock(&pin)
            .and_then(|grant| self.pos.refund(&req, &grant))
        {
            Ok(done) => {
                let event = self.pos.event();
                let path = self.receipts_dir.join(format!("{}.pdf", done.number));
                let saved =
                    crate::pdf::refund_pdf(&done, &event.name, &event.venue, &event.time_zone)
                        .map_err(|e| e.to_string())
                        .and_then(|bytes| {
                            std::fs::create_dir_all(&self.receipts_dir)
                                .map_err(|e| e.to_string())?;
                            std::fs::write(&path, bytes).map_err(|e| e.to_string())
                        });
                let text = format!(
                    "Refunded {} ({}): give back {}; {} claim unit(s) revoked",
                    done.amount,
                    done.number,
                    done.back_text(),
                    done.revoked_units
                );
                self.notice = Some(match saved {
                    Ok(()) => (
                        Tone::Good,
                        format!("{text}. Refund receipt: {}", path.display()),
                    ),
                    Err(e) => (
                        Tone::Bad,
                        format!("{text}, but the refund receipt could not be saved: {e}"),
                    ),
                });
                self.exported = Some(path);
                self.refund = None;
            }
            Err(e) => self.notice = Some((Tone::Bad, e.to_string())),
        }
    }

    /// Redeems one unit; `more` keeps the code in the field's place (One more unit).
    fn redeem(&mut self, input: &str, more: bool) {
        let result = self.pos.redeem_claim(input, 1);
        let desk = &mut self.redeem;
        match result {
            Ok(r) => {
                let step = if r.held { " — held for the fan" } else { "" };
                desk.result = Some((
                    Tone::Good,
                    format!("Redeemed: {} × {}{step}", r.units, r.title),
                ));
                let code =
                    crate::domain::claim::normalize(input).unwrap_or_else(|_| input.to_string());
                desk.last = Some((r, code, self.pos.now()));
            }
            Err(e) => {
                desk.result = Some((Tone::Bad, e.to_string()));
                if !more {
                    desk.last = None;
                }
            }
        }
        desk.input.clear();
    }

    fn after_redemption_step(
        &mut self,
        done: Result<crate::service::Redeemed, PosError>,
        word: &str,
    ) {
        let desk = &mut self.redeem;
        match done {
            Ok(r) => {
                desk.result = Some((Tone::Good, format!("{word}: {} × {}", r.units, r.title)));
                desk.last = None;
            }
            Err(e) => desk.result = Some((Tone::Bad, e.to_string())),
        }
    }

    /// Decodes the QR code in a photo or screenshot and redeems it.
    fn read_image(&mut self) {
        let path = self.redeem.image_path.trim().to_string();
        let decoded = std::fs::read(&path)
            .map_err(|e| format!("Photo: cannot read {path}: {e}"))
            .and_then(|bytes| {
                crate::domain::qr::scan_image(&bytes).map_err(|e| format!("Photo: {e}"))
            });
        match decoded {
            Ok(texts) => match texts.into_iter().find(|t| claim::looks_like_code(t)) {
                Some(code) => self.redeem(&code, false),
                None => {
                    self.redeem.result = Some((
                        Tone::Bad,
                        "Photo: the QR code in it is not a claim code".into(),
                    ));
                }
            },
            Err(e) => self.redeem.result = Some((Tone::Bad, e)),
        }
    }

    fn call_next(&mut self, lane: char) -> Result<(), PosError> {
        match self.pos.call_next(lane)? {
            Some(label) => {
                let id = self.pos.ticket(&label.to_string())?.id;
                self.remember_move(id, format!("Calling {label}"));
            }
            None => self.notice = Some((Tone::Info, format!("Nobody is waiting in lane {lane}"))),
        }
        Ok(())
    }

    fn remember_move(&mut self, ticket_id: i64, text: String) {
        self.notice = Some((Tone::Good, text.clone()));
        self.last_move = Some(super::queue::LastMove {
            ticket_id,
            text,
            at: self.pos.now(),
        });
    }

    fn export(&mut self, number: &ReceiptNo) -> Result<(), PosError> {
        let receipt = self.pos.receipt(number)?;
        let path = self.receipts_dir.join(format!("{number}.pdf"));
        let written = crate::pdf::receipt_pdf(&receipt)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                std::fs::create_dir_all(&self.receipts_dir).map_err(|e| e.to_string())?;
                std::fs::write(&path, bytes).map_err(|e| e.to_string())
            });
        self.notice = Some(match written {
            Ok(()) => (Tone::Good, format!("Receipt saved to {}", path.display())),
            Err(e) => (
                Tone::Bad,
                format!("Could not save the receipt to {}: {e}", path.display()),
            ),
        });
        self.exported = Some(path);
        Ok(())
    }
}

/// Opens a file in the desktop's default viewer without waiting for it.
fn open_file(path: &Path) {
    let _ = std::process::Command::new("xdg-open").arg(path).spawn();
}
