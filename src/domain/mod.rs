//! Pure domain logic: no egui, no SQL, no clock reads, no I/O. Time comes in as an argument.

pub mod backup;
pub mod basket;
pub mod catalogue;
pub mod catalogue_file;
pub mod claim;
pub mod dashboard;
pub mod drawer;
pub mod event;
pub mod fan;
pub mod field;
pub mod invoice;
pub mod lottery;
pub mod money;
pub mod network;
pub mod order;
pub mod payment;
pub mod pricing;
pub mod qr;
pub mod queue;
pub mod reconcile;
pub mod refund;
pub mod report;
pub mod search;
