//! Slow work off the frame: a job runs on its own thread and comes back as a command, picked
//! up at the start of a frame. While any job runs the top bar shows a spinner, with the
//! progress of a job that reports one. A long job (an export) gets a [`Control`]: it tells the
//! job to stop when the operator cancels, and carries the fraction and text the job reports.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use super::Command;

/// A long job's two-way line: the cancel flag the kiosk sets, the progress the job sets.
#[derive(Debug, Clone, Default)]
pub struct Control {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<(f32, String)>>,
}

impl Control {
    /// Asks the job to stop; it stops at its next row or file.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// True once cancelled.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// The job reports how far it got (0.0 to 1.0) and what it is at.
    pub fn set(&self, fraction: f32, text: impl Into<String>) {
        // A poisoned lock means the job panicked while reporting: its progress no longer
        // matters, and the kiosk must not panic for it.
        if let Ok(mut p) = self.progress.lock() {
            *p = (fraction.clamp(0.0, 1.0), text.into());
        }
    }

    /// How far the job got, and what it is at.
    pub fn progress(&self) -> (f32, String) {
        self.progress.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

impl crate::service::export::Watch for Control {
    fn progress(&self, done: u64, total: u64, what: &str) {
        // Display only: a fraction for the bar, not a figure anyone adds up.
        let fraction = if total == 0 {
            1.0
        } else {
            done as f32 / total as f32
        };
        self.set(fraction, format!("{what} · {done} of {total}"));
    }

    fn cancelled(&self) -> bool {
        Control::cancelled(self)
    }
}

/// One job under way.
struct Running {
    id: u64,
    what: String,
    control: Option<Control>,
}

/// The jobs under way and the channel their results come back on.
pub struct Jobs {
    tx: Sender<(u64, Command)>,
    rx: Receiver<(u64, Command)>,
    running: Vec<Running>,
    next_id: u64,
}

impl Jobs {
    /// No jobs yet.
    pub fn new() -> Jobs {
        let (tx, rx) = channel();
        Jobs {
            tx,
            rx,
            running: Vec::new(),
            next_id: 0,
        }
    }

    fn start(&mut self, what: &str, control: Option<Control>) -> (u64, Sender<(u64, Command)>) {
        let id = self.next_id;
        self.next_id += 1;
        self.running.push(Running {
            id,
            what: what.to_string(),
            control,
        });
        (id, self.tx.clone())
    }

    /// Runs `work` on a worker thread; its command is applied in a later frame.
    pub fn spawn(&mut self, what: &str, work: impl FnOnce() -> Command + Send + 'static) {
        let (id, tx) = self.start(what, None);
        std::thread::spawn(move || {
            // The kiosk may be gone by now (window closed): then nobody waits for this.
            let _ = tx.send((id, work()));
        });
    }

    /// Runs a long `work` that reports progress and can be cancelled through the returned
    /// [`Control`]; its command is applied in a later frame.
    pub fn spawn_controlled(
        &mut self,
        what: &str,
        work: impl FnOnce(&Control) -> Command + Send + 'static,
    ) -> Control {
        let control = Control::default();
        let (id, tx) = self.start(what, Some(control.clone()));
        let theirs = control.clone();
        std::thread::spawn(move || {
            let _ = tx.send((id, work(&theirs)));
        });
        control
    }

    /// The results that came back since the last frame.
    pub fn poll(&mut self) -> Vec<Command> {
        let done: Vec<(u64, Command)> = self.rx.try_iter().collect();
        self.running
            .retain(|job| !done.iter().any(|(id, _)| *id == job.id));
        done.into_iter().map(|(_, command)| command).collect()
    }

    /// What is running, if anything.
    pub fn busy(&self) -> Option<&str> {
        self.running.first().map(|job| job.what.as_str())
    }

    /// The progress of the first running job that reports one: its fraction and text.
    pub fn progress(&self) -> Option<(f32, String)> {
        self.running
            .iter()
            .find_map(|job| job.control.as_ref())
            .map(Control::progress)
    }
}

/// A worker's result handed back to the screen that asked for it, taken once. It travels in a
/// command, so two are equal only when they are the one hand-over.
pub struct Handover<T>(Arc<Mutex<Option<T>>>);

impl<T> Handover<T> {
    /// Puts the worker's result in.
    pub fn put(&self, value: T) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(value);
        }
    }

    /// Takes the result out (None when it was taken already).
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut r| r.take())
    }
}

impl<T> Default for Handover<T> {
    fn default() -> Handover<T> {
        Handover(Arc::new(Mutex::new(None)))
    }
}

impl<T> Clone for Handover<T> {
    fn clone(&self) -> Handover<T> {
        Handover(Arc::clone(&self.0))
    }
}

impl<T> std::fmt::Debug for Handover<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handover")
    }
}

impl<T> PartialEq for Handover<T> {
    fn eq(&self, other: &Handover<T>) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Eq for Handover<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_for(jobs: &mut Jobs) -> Vec<Command> {
        let mut done = Vec::new();
        for _ in 0..1000 {
            done.extend(jobs.poll());
            if !done.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        done
    }

    #[test]
    fn a_job_comes_back_as_its_command_and_ends_busy() {
        let mut jobs = Jobs::new();
        assert_eq!(jobs.busy(), None);
        jobs.spawn("Waiting", || Command::ToggleBoard);
        assert_eq!(jobs.busy(), Some("Waiting"));
        let done = wait_for(&mut jobs);
        assert!(matches!(done.as_slice(), [Command::ToggleBoard]));
        assert_eq!(jobs.busy(), None);
    }

    #[test]
    fn a_controlled_job_reports_progress_and_sees_its_cancel() {
        let mut jobs = Jobs::new();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let control = jobs.spawn_controlled("Exporting", move |c| {
            c.set(0.25, "orders");
            // Holds until the test has looked at the progress and cancelled.
            let _ = go_rx.recv();
            if c.cancelled() {
                Command::ToggleFanWindow
            } else {
                Command::ToggleBoard
            }
        });
        for _ in 0..1000 {
            if jobs.progress().is_some_and(|(f, _)| f > 0.0) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(jobs.progress(), Some((0.25, "orders".to_string())));
        control.cancel();
        go_tx.send(()).unwrap();
        let done = wait_for(&mut jobs);
        assert!(matches!(done.as_slice(), [Command::ToggleFanWindow]));
        assert_eq!(jobs.progress(), None);
    }

    #[test]
    fn a_short_job_ending_first_leaves_the_long_one_busy() {
        let mut jobs = Jobs::new();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let _control = jobs.spawn_controlled("Exporting", move |_| {
            let _ = go_rx.recv();
            Command::ToggleBoard
        });
        jobs.spawn("Writing the receipt PDF", || Command::ToggleFanWindow);
        let done = wait_for(&mut jobs);
        assert!(matches!(done.as_slice(), [Command::ToggleFanWindow]));
        assert_eq!(jobs.busy(), Some("Exporting"), "the export still runs");
        go_tx.send(()).unwrap();
        assert!(matches!(
            wait_for(&mut jobs).as_slice(),
            [Command::ToggleBoard]
        ));
        assert_eq!(jobs.busy(), None);
    }
}
