//! Attacks on the sandbox from inside a real environment; `sandbox` is the environment they
//! attack.

mod limits;
mod network;
mod privileges;
mod sandbox;
mod userns;
