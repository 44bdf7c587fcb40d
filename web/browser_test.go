package web_test

// The browser harness: a headless Chromium per test driving the real server, elements found by
// their accessible names (Accessibility.queryAXTree), axe-core run on pages, and a screenshot
// saved when a test fails.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is the system Chromium; tests skip when there is none.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("GONGJIAN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on this machine (apt-get install chromium); browser tests skipped")
	return ""
}

type tab struct {
	t    testing.TB
	ctx  context.Context
	base string
	// downloads is where the browser saves downloads.
	downloads string
}

var marks atomic.Int64

// newTab starts a headless Chromium (in the UTC zone, so that times shown in Asia/Shanghai are
// the console's doing) with a 1280 × 900 window, for the server at base.
func newTab(t testing.TB, base string) *tab {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("hide-scrollbars", true), chromedp.Env("TZ=UTC"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	tb := &tab{t: t, ctx: ctx, base: base, downloads: t.TempDir()}
	t.Cleanup(func() {
		if t.Failed() {
			tb.screenshot("failure")
		}
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tb
}

// screenshot saves the whole page as a PNG in GONGJIAN_CONSOLE_SCREENSHOTS, or in a new temporary
// directory, and logs where.
func (b *tab) screenshot(name string) string {
	dir := os.Getenv("GONGJIAN_CONSOLE_SCREENSHOTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "gongjian-console-"); err != nil {
			b.t.Logf("screenshot: %v", err)
			return ""
		}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot: %v", err)
		return ""
	}
	safe := strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name() + "-" + name)
	file := filepath.Join(dir, safe+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
		return ""
	}
	b.t.Logf("screenshot: %s", file)
	return file
}

func (b *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open loads a console path ("inbox", "offers/ID", ...).
func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/console/" + path))
}

// eval runs JavaScript in the page and decodes its JSON result into T.
func eval[T any](b *tab, js string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		b.t.Fatalf("evaluate %.80q: %v", js, err)
	}
	return v
}

// textRoles are accessibility nodes that carry a name without being the control named.
var textRoles = []string{"StaticText", "InlineTextBox", "LabelText", "generic", "none", "paragraph", "cell", "gridcell", "row", "rowheader", "columnheader", "heading", "listitem", "list", "group", "caption", "time", "Section", "RootWebArea", "main", "region", "alert", "status", "dialog", "form", "banner", "navigation", "legend", "table", "rowgroup"}

// lookup marks the DOM elements whose accessible name is name (and role, unless empty) with a
// fresh data attribute, and returns a CSS selector per element, in document order.
func (b *tab) lookup(role, name string) []string {
	// The document (or, while a modal dialog is open, the dialog: the rest is inert) as a
	// JavaScript object: DOM.getDocument would reset chromedp's own view of the DOM.
	doc, err := chromedp.Run(b.ctx, chromedp.Evaluate[*runtime.RemoteObject](`document.querySelector("dialog[open]") || document`))
	if err != nil || doc == nil {
		return nil
	}
	res, err := chromedp.Call(b.ctx, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{ObjectID: doc.ObjectID, AccessibleName: name, Role: role})
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range res.Nodes {
		if n.Ignored || n.BackendDOMNodeID == 0 {
			continue
		}
		if role == "" && n.Role != nil && slices.Contains(textRoles, strings.Trim(string(n.Role.Value), `"`)) {
			continue
		}
		obj, err := chromedp.Call(b.ctx, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: n.BackendDOMNodeID})
		if err != nil || obj.Object == nil {
			continue
		}
		key := fmt.Sprint(marks.Add(1))
		arg, _ := json.Marshal(key)
		if _, err := chromedp.Call(b.ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
			ObjectID:            obj.Object.ObjectID,
			FunctionDeclaration: `function(k) { if (this.setAttribute) this.setAttribute("data-gjt", k); }`,
			Arguments:           []*runtime.CallArgument{{Value: arg}},
		}); err != nil {
			continue
		}
		out = append(out, fmt.Sprintf(`[data-gjt="%s"]`, key))
	}
	return out
}

// find waits for the nth element named name with role and returns its selector.
func (b *tab) find(role, name string, nth int) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if els := b.lookup(role, name); len(els) > nth {
			return els[nth]
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("no %s named %q (#%d) on the page; it reads:\n%s", role, name, nth, b.text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitCount waits until n elements with role and name are on the page.
func (b *tab) waitCount(role, name string, n int) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(b.lookup(role, name)) != n {
		if time.Now().After(deadline) {
			b.t.Fatalf("never %d %s named %q on the page; it reads:\n%s", n, role, name, b.text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// has reports whether an element with role and name is on the page now.
func (b *tab) has(role, name string) bool { return len(b.lookup(role, name)) > 0 }

// click clicks the nth button (or link, ...) with that accessible name, as a mouse would.
func (b *tab) click(role, name string, nth ...int) {
	b.t.Helper()
	sel := b.find(role, name, append(nth, 0)[0])
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

// fill sets the value of the form control named name (a label) as typing would: the value,
// then input and change events.
func (b *tab) fill(name, value string) {
	b.t.Helper()
	sel := b.find("", name, 0)
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		const proto = Object.getPrototypeOf(el);
		Object.getOwnPropertyDescriptor(proto, "value").set.call(el, %q);
		el.dispatchEvent(new Event("input", { bubbles: true }));
		el.dispatchEvent(new Event("change", { bubbles: true }));
		return el.tagName;
	})()`, sel, value)
	if tag := eval[string](b, js); tag != "INPUT" && tag != "SELECT" && tag != "TEXTAREA" {
		b.t.Fatalf("%q names a %s, not a form control", name, tag)
	}
}

// typeIn types text into the control named name, key by key.
func (b *tab) typeIn(name, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(b.find("", name, 0)), text))
}

// text is what the page shows.
func (b *tab) text() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

// waitText waits until the page shows s.
func (b *tab) waitText(s string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.text(), s) {
		if time.Now().After(deadline) {
			b.t.Fatalf("the page never showed %q; it reads:\n%s", s, b.text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitJS waits until the expression is true.
func (b *tab) waitJS(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !eval[bool](b, js) {
		if time.Now().After(deadline) {
			b.t.Fatalf("timed out waiting for %s; the page reads:\n%s", what, b.text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// dialog waits for a modal dialog to open; lookups then search it alone.
func (b *tab) dialog() {
	b.t.Helper()
	b.waitJS("a dialog", `!!document.querySelector("dialog[open]")`)
}

// login logs in through the form and waits for the banner.
func (b *tab) login(username, password string) {
	b.t.Helper()
	b.open("")
	b.typeIn("用户名", username)
	b.typeIn("密码", password)
	b.click("button", "登录")
	b.find("button", "退出", 0)
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the page and fails on serious or critical violations. It needs
// web/node_modules/axe-core (npm ci; .ci/run has it) and is skipped without.
func (b *tab) axe(page string) {
	b.t.Helper()
	src, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		b.t.Logf("axe-core not installed (npm ci in web/): accessibility check of %s skipped", page)
		return
	}
	eval[chromedp.Void](b, string(src))
	got := eval[[]violation](b, `axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) })))`,
		chromedp.EvalAwaitPromise)
	for _, v := range got {
		b.t.Errorf("axe on %s: %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// settle waits until the page shows no loading state.
func (b *tab) settle() {
	b.t.Helper()
	b.waitJS("the page to load", `document.querySelector("main") && !document.querySelector("main .loading") && document.querySelector("main h1") !== null`)
}
