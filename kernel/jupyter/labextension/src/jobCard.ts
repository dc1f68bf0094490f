/**
 * The job card's buttons (kernel/src/jobs/jobCard.ts): the kernel draws Cancel / Savepoint / Stop
 * with savepoint hidden, since only this extension can reach the kernel from an output; here they
 * are shown and their clicks go to the kernel over the `sluice.jobs` comm
 * (kernel/src/jobs/jobActions.ts), one comm per notebook and kernel. The answer shows as a
 * JupyterLab notification; the card itself shows the job's new state on its next update.
 */
import { Notification } from "@jupyterlab/apputils";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { Kernel } from "@jupyterlab/services";

export const JOB_COMM_TARGET = "sluice.jobs";

const STYLE_ID = "sluice-job-card-actions";

/** Shows the cards' buttons: the kernel hides them for viewers without this extension. */
export function showCardButtons(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = ".sluice-job-card .sluice-job-actions { display: block !important; }";
  doc.head.appendChild(style);
}

interface Answer {
  request: string;
  ok: boolean;
  message: string;
}

/** Handles clicks on the buttons of every card in `panel` (one listener: cards are redrawn on each update). */
export function handleCardButtons(panel: NotebookPanel): void {
  let comm: Kernel.IComm | undefined;
  let commKernel: Kernel.IKernelConnection | undefined;
  const pending = new Map<string, (answer: Answer) => void>();
  const commFor = (kernel: Kernel.IKernelConnection): Kernel.IComm => {
    if (comm !== undefined && commKernel === kernel && !comm.isDisposed) return comm;
    const opened = kernel.createComm(JOB_COMM_TARGET);
    opened.onMsg = (msg) => {
      const answer = msg.content.data as unknown as Answer;
      pending.get(answer.request)?.(answer);
      pending.delete(answer.request);
    };
    opened.open();
    [comm, commKernel] = [opened, kernel];
    return opened;
  };
  panel.node.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest?.("button[data-sluice-action]") as HTMLButtonElement | null;
    if (!button) return;
    const { sluiceAction: action, sluiceJob: job } = button.dataset;
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || !action || !job) {
      Notification.error("Sluice: this notebook has no running kernel for that job");
      return;
    }
    const request = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const id = Notification.emit(`Sluice: ${action}…`, "in-progress", { autoClose: false });
    pending.set(request, (answer) => Notification.update({ id, message: `Sluice: ${answer.message}`, type: answer.ok ? "success" : "error", autoClose: 5000 }));
    commFor(kernel).send({ action, job, request });
  });
}
