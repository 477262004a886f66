//! Encore: a kiosk point of sale for pop-up events and after-show micro-gigs.
//!
//! Data flows one way: view → command → service → store, and back as domain values.

#![warn(missing_docs)]

pub mod cli;
pub mod domain;
pub mod export;
pub mod files;
pub mod fonts;
pub mod pdf;
pub mod service;
pub mod store;
pub mod ui;
pub mod web;
