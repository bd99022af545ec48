import { appTs, mainTs } from './app.templates';
import { chatApi } from './chat-api.template';
import { chatClientSpec, chatEventsDto, chatGateway, chatGatewaySpec, chatMessageDto, requireUsernameMiddleware } from './chat.templates';
import { gitignore, jestConfig, packageJson, tsconfigJson } from './config.templates';
import { readme } from './readme.template';
import type { ProjectTemplateOptions, TemplateFile } from './template-file';

/** Every file of a new project, in the order they are reported. */
export function projectFiles(options: ProjectTemplateOptions): TemplateFile[] {
  return [
    packageJson(options),
    tsconfigJson(),
    jestConfig(),
    gitignore(),
    readme(options),
    appTs(),
    mainTs(),
    chatMessageDto(),
    chatEventsDto(),
    requireUsernameMiddleware(),
    chatGateway(),
    chatGatewaySpec(),
    chatApi(),
    chatClientSpec(),
  ];
}
