/** File uploads with progress (XMLHttpRequest: the one browser API that reports upload progress). */
import { CSRF_COOKIE, CSRF_HEADER } from "../api/client";
import { isProblem, type Problem } from "../api/problem";

function csrf(): string {
  return (
    document.cookie
      .split(";")
      .map((c) => c.trim().split("="))
      .find(([k]) => k === CSRF_COOKIE)?.[1] ?? ""
  );
}

/** Posts `file` to `url`; resolves with the JSON answer, rejects with its problem document. */
export function upload(
  url: string,
  file: File,
  type: string,
  onProgress: (fraction: number) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", type);
    xhr.setRequestHeader(CSRF_HEADER, decodeURIComponent(csrf()));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else
        reject(
          isProblem(body)
            ? body
            : {
                type: "about:blank",
                title: "Import failed",
                status: xhr.status,
                detail: `The server answered ${xhr.status}.`,
              },
        );
    };
    xhr.onerror = () =>
      reject({ type: "about:blank", title: "The server could not be reached", status: 0 } satisfies Problem);
    xhr.send(file);
  });
}
