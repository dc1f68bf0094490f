import { readFile } from "node:fs/promises";

/** The connection file Jupyter writes for every kernel it starts. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = "shell" | "control" | "iopub" | "stdin" | "hb";

export class ConnectionFileError extends Error {
  override name = "ConnectionFileError";
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`bad connection file ${path}: ${detail}`);
  }
}

export async function readConnectionFile(path: string): Promise<ConnectionInfo> {
  const raw = JSON.parse(await readFile(path, "utf8")) as Partial<ConnectionInfo>;
  for (const k of ["ip", "shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const) {
    if (raw[k] === undefined) throw new ConnectionFileError(path, `missing "${k}"`);
  }
  return {
    transport: raw.transport ?? "tcp",
    signature_scheme: raw.signature_scheme ?? "hmac-sha256",
    key: raw.key ?? "",
    ...raw,
  } as ConnectionInfo;
}

/** The zmq endpoint for one channel, e.g. tcp://127.0.0.1:5555 (ipc uses ip-port as the path). */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port` as const];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
