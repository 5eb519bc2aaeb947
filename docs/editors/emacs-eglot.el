;; qemlflow-lint server for Python buffers through eglot (built into Emacs 29 and newer).
;; eglot runs one server per buffer: this one replaces pylsp or pyright for Python.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode)
                 . ("qemlflow-lint" "server"
                    :initializationOptions (:unsafeFixes :json-false :importCost t)))))
(add-hook 'python-mode-hook #'eglot-ensure)
(add-hook 'python-ts-mode-hook #'eglot-ensure)
