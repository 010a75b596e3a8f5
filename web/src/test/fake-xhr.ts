/**
 * An XMLHttpRequest for page tests of uploads (lib/upload.ts): every request is recorded in `sent` and
 * answered 200 with `answer` as JSON, after one progress event.
 */
export function fakeXhr(answer: unknown) {
  return class FakeXhr {
    static sent: { url: string; body: unknown }[] = [];
    status = 200;
    responseText = JSON.stringify(answer);
    upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
    onload?: () => void;
    onerror?: () => void;
    private url = "";
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    send(body: unknown) {
      FakeXhr.sent.push({ url: this.url, body });
      queueMicrotask(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 1 });
        this.onload?.();
      });
    }
  };
}
