// Starts `dflint lsp` for Dockerfiles. The binary comes from the `dflint.path` setting, then PATH.
import * as fs from "fs";
import * as path from "path";
import { ExtensionContext, window, workspace } from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function findOnPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? [".exe", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function settings() {
  const c = workspace.getConfiguration("dflint");
  return {
    configPath: c.get<string>("configPath") || null,
    select: c.get<string[] | null>("select") ?? null,
    ignore: c.get<string[]>("ignore") ?? [],
    severity: c.get<Record<string, string>>("severity") ?? {},
    // The client pulls diagnostics (textDocument/diagnostic); pushing too would show them twice.
    pushDiagnostics: false,
  };
}

export async function activate(context: ExtensionContext) {
  const configured = workspace.getConfiguration("dflint").get<string>("path");
  const command = configured || findOnPath("dflint");
  if (!command) {
    window.showErrorMessage("dflint: binary not found. Install dflint or set `dflint.path`.");
    return;
  }
  const serverOptions: ServerOptions = { command, args: ["lsp", "--stdio"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
    ],
    initializationOptions: settings(),
    synchronize: { configurationSection: "dflint" },
  };
  client = new LanguageClient("dflint", "dflint", serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate() {
  await client?.stop();
}
