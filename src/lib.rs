//! kaiji (開示): pre-screening of applications for the IoT cloud service (IaaS・PaaS)
//! information-disclosure certification.
//!
//! The pipeline follows the data: [`ingest`] turns a file into a [`model::Document`],
//! [`locate`] finds the answer to each catalog item, [`normalize`] types each answer,
//! and [`report`] writes the contract's JSON and CSV. [`diff`] compares a renewal
//! application with the one before it.

pub mod answers;
pub mod batch;
pub mod catalog;
pub mod check;
pub mod diff;
pub mod era;
pub mod findings;
pub mod ingest;
pub mod inputs;
pub mod locate;
pub mod model;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod renewal;
pub mod report;
pub mod text;
pub mod tokenize;
