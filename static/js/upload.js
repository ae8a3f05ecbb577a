// Upload the chosen 835 files one after another, each with its own progress bar and
// result. One at a time: a clearinghouse batch can be dozens of files.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const results = document.getElementById("results");
  if (!form || !results || !window.XMLHttpRequest) return;

  function slotFor(file) {
    const slot = document.createElement("div");
    slot.className = "card result";
    const label = document.createElement("p");
    label.textContent = `${file.name}: waiting…`;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", `Upload progress of ${file.name}`);
    slot.append(label, bar);
    results.prepend(slot);
    return { slot, label, bar };
  }

  function send(file, ui, token) {
    return new Promise((resolve) => {
      const data = new FormData();
      data.append("files", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      ui.label.textContent = `${file.name}: uploading…`;
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) ui.bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.upload.addEventListener("load", () => {
        ui.label.textContent = `${file.name}: posting…`;
      });
      xhr.addEventListener("load", () => {
        if (xhr.status >= 500) {
          ui.label.textContent = `${file.name}: the server failed (${xhr.status}). The file is kept if it arrived; try again or ask an admin.`;
        } else {
          ui.slot.outerHTML = xhr.responseText;
          if (window.htmx) window.htmx.process(results);
        }
        resolve();
      });
      xhr.addEventListener("error", () => {
        ui.label.textContent = `${file.name}: the upload failed (network). Nothing was posted; try again.`;
        resolve();
      });
      xhr.send(data);
    });
  }

  form.addEventListener("submit", async (event) => {
    const input = form.querySelector('input[type="file"]');
    if (!input.files.length) return;
    event.preventDefault();
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    const files = Array.from(input.files);
    const slots = files.map(slotFor);
    form.reset();
    for (let i = 0; i < files.length; i += 1) {
      await send(files[i], slots[i], token);
    }
  });
});
