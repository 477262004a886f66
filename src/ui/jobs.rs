//! Slow work off the frame: a job runs on its own thread and comes back as a command, picked
//! up at the start of a frame. While any job runs the top bar shows a spinner.

use std::sync::mpsc::{Receiver, Sender, channel};

use super::Command;

/// The jobs under way and the channel their results come back on.
pub struct Jobs {
    tx: Sender<Command>,
    rx: Receiver<Command>,
    /// What each running job does, for the spinner's tooltip.
    running: Vec<String>,
}

impl Jobs {
    /// No jobs yet.
    pub fn new() -> Jobs {
        let (tx, rx) = channel();
        Jobs {
            tx,
            rx,
            running: Vec::new(),
        }
    }

    /// Runs `work` on a worker thread; its command is applied in a later frame.
    pub fn spawn(&mut self, what: &str, work: impl FnOnce() -> Command + Send + 'static) {
        let tx = self.tx.clone();
        self.running.push(what.to_string());
        std::thread::spawn(move || {
            // The kiosk may be gone by now (window closed): then nobody waits for this.
            let _ = tx.send(work());
        });
    }

    /// The results that came back since the last frame.
    pub fn poll(&mut self) -> Vec<Command> {
        let done: Vec<Command> = self.rx.try_iter().collect();
        let finished = done.len().min(self.running.len());
        self.running.drain(..finished);
        done
    }

    /// What is running, if anything.
    pub fn busy(&self) -> Option<&str> {
        self.running.first().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_comes_back_as_its_command_and_ends_busy() {
        let mut jobs = Jobs::new();
        assert_eq!(jobs.busy(), None);
        jobs.spawn("Waiting", || Command::ToggleBoard);
        assert_eq!(jobs.busy(), Some("Waiting"));
        let mut done = Vec::new();
        for _ in 0..1000 {
            done.extend(jobs.poll());
            if !done.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert!(matches!(done.as_slice(), [Command::ToggleBoard]));
        assert_eq!(jobs.busy(), None);
    }
}
