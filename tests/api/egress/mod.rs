//! Where environments may connect: public addresses only by default, per tier `none` or an
//! allow-list, applied to running environments within seconds; `hosts` stands up the places
//! they try to reach, on this machine only.

mod hosts;
mod policy;
mod sharing;
mod tiers;
